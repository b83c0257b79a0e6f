#include "profile.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace finpipe::detect {

using ingest::ColumnType;
using ingest::Value;

namespace {

constexpr int kExamples = 5;

const QSet<QString> &flagWords()
{
    static const QSet<QString> words{QStringLiteral("0"),    QStringLiteral("1"),     QStringLiteral("true"),
                                     QStringLiteral("false"), QStringLiteral("yes"),  QStringLiteral("no"),
                                     QStringLiteral("y"),    QStringLiteral("n"),     QStringLiteral("0.0"),
                                     QStringLiteral("1.0")};
    return words;
}

//! Text the reader left as text may still be a number or an ISO date (e.g. a column with one
//! stray word makes the reader keep the whole column as text); count those by value.
std::optional<double> textAsNumber(const QString &s)
{
    bool ok = false;
    const double d = QLocale::c().toDouble(s, &ok);
    if (ok && std::isfinite(d))
        return d;
    return std::nullopt;
}

std::optional<qint64> textAsDate(const QString &s)
{
    static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?)?$"));
    if (!iso.match(s).hasMatch())
        return std::nullopt;
    const QDate d = QDate::fromString(s.left(10), Qt::ISODate);
    if (!d.isValid())
        return std::nullopt;
    qint64 ms = d.startOfDay(Qt::UTC).toMSecsSinceEpoch();
    if (s.size() > 10) {
        const QTime t = QTime::fromString(s.mid(11, 8), s.size() >= 19 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
        if (t.isValid())
            ms += t.msecsSinceStartOfDay();
    }
    return ms;
}

QString dateText(qint64 msecs, bool withTime)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
    return withTime ? dt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : dt.toString(QStringLiteral("yyyy-MM-dd"));
}

void addExample(QStringList &list, const QString &value)
{
    if (list.size() < kExamples && !list.contains(value))
        list << value;
}

} // namespace

QString columnShapeName(ColumnShape shape)
{
    switch (shape) {
    case ColumnShape::Empty: return QStringLiteral("empty");
    case ColumnShape::Identifier: return QStringLiteral("identifier");
    case ColumnShape::Category: return QStringLiteral("category");
    case ColumnShape::Code: return QStringLiteral("code");
    case ColumnShape::FreeText: return QStringLiteral("free_text");
    case ColumnShape::Flag: return QStringLiteral("flag");
    case ColumnShape::Measure: return QStringLiteral("measure");
    case ColumnShape::Temporal: return QStringLiteral("temporal");
    }
    return QStringLiteral("empty");
}

bool looksLikeCode(QStringView text)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z]{1,12}[ _.#-]?[0-9]{1,6}$"));
    return re.match(text.trimmed().toString()).hasMatch();
}

QList<ColumnProfile> profileColumns(const QList<ingest::ColumnInfo> &columns, const ingest::RowBatch &sample)
{
    QList<ColumnProfile> out;
    const int rows = sample.columnCount() == columns.size() ? sample.rowCount() : 0;
    out.reserve(columns.size());
    for (int c = 0; c < columns.size(); ++c) {
        ColumnProfile p;
        p.index = c;
        p.name = columns[c].name;
        p.rows = rows;
        p.headerIsCode = looksLikeCode(p.name);

        int numbers = 0, integers = 0, temporals = 0, withTime = 0, flags = 0, booleans = 0, codes = 0;
        int spaced = 0;
        double minNum = 0, maxNum = 0;
        qint64 minMs = 0, maxMs = 0;
        bool haveNum = false, haveMs = false;
        for (int r = 0; r < rows; ++r) {
            const Value &v = sample.at(r, c);
            if (v.isBlank() || v.kind == Value::Kind::Error)
                continue;
            const QString text = v.toString().trimmed();
            if (text.isEmpty() && !v.isNumber() && !v.isTemporal())
                continue;
            ++p.nonBlank;
            const QString key = text.toLower();
            ++p.valueCounts[key];
            addExample(p.examples, text);

            std::optional<double> number;
            std::optional<qint64> ms;
            bool isInteger = false;
            if (v.isNumber()) {
                number = v.number;
                isInteger = v.kind == Value::Kind::Integer || v.number == std::floor(v.number);
            } else if (v.kind == Value::Kind::Boolean) {
                ++booleans;
            } else if (v.isTemporal()) {
                ms = v.msecs;
                if (v.kind == Value::Kind::DateTime && v.msecs % 86400000 != 0)
                    ++withTime;
            } else if ((number = textAsNumber(text))) {
                isInteger = *number == std::floor(*number) && !text.contains(u'.');
            } else if ((ms = textAsDate(text))) {
                if (text.size() > 10 && *ms % 86400000 != 0)
                    ++withTime;
            }
            if (number) {
                ++numbers;
                integers += isInteger ? 1 : 0;
                minNum = haveNum ? qMin(minNum, *number) : *number;
                maxNum = haveNum ? qMax(maxNum, *number) : *number;
                haveNum = true;
            } else {
                addExample(p.nonNumericExamples, text);
            }
            if (ms) {
                ++temporals;
                minMs = haveMs ? qMin(minMs, *ms) : *ms;
                maxMs = haveMs ? qMax(maxMs, *ms) : *ms;
                haveMs = true;
            } else {
                addExample(p.nonTemporalExamples, text);
            }
            if (flagWords().contains(key) || v.kind == Value::Kind::Boolean)
                ++flags;
            if (!number && !ms) {
                if (looksLikeCode(text))
                    ++codes;
                if (text.contains(u' '))
                    ++spaced;
            }
        }

        p.distinct = int(p.valueCounts.size());
        if (p.nonBlank > 0) {
            const double n = p.nonBlank;
            p.blankRate = rows > 0 ? 1.0 - n / rows : 1.0;
            p.distinctRatio = p.distinct / n;
            p.numericShare = numbers / n;
            p.temporalShare = temporals / n;
            p.flagShare = flags / n;
        }
        if (haveNum && p.numericShare >= 0.5) {
            p.min = minNum;
            p.max = maxNum;
            p.minText = QString::number(minNum, 'g', 15);
            p.maxText = QString::number(maxNum, 'g', 15);
        } else if (haveMs && p.temporalShare >= 0.5) {
            p.min = double(minMs);
            p.max = double(maxMs);
            p.minText = dateText(minMs, withTime > 0);
            p.maxText = dateText(maxMs, withTime > 0);
        }

        // Type: strict (every value), as the analyst would describe the column.
        if (p.nonBlank == 0)
            p.type = columns[c].type;
        else if (booleans == p.nonBlank)
            p.type = ColumnType::Boolean;
        else if (numbers == p.nonBlank)
            p.type = integers == numbers ? ColumnType::Integer : ColumnType::Decimal;
        else if (temporals == p.nonBlank)
            p.type = withTime > 0 ? ColumnType::DateTime : ColumnType::Date;
        else
            p.type = ColumnType::Text;

        // Shape: tolerant (a stray value does not change what the column is for).
        const int textual = p.nonBlank - numbers - temporals - booleans;
        if (p.nonBlank == 0)
            p.shape = ColumnShape::Empty;
        else if (p.flagShare >= 0.98 && p.distinct <= 2)
            p.shape = ColumnShape::Flag;
        else if (p.temporalShare >= 0.9)
            p.shape = ColumnShape::Temporal;
        else if (p.numericShare >= 0.9)
            p.shape = ColumnShape::Measure;
        else if (textual > 0 && codes >= 0.8 * textual && (p.distinctRatio < 0.9 || p.distinct <= 30))
            p.shape = ColumnShape::Code; // codes repeat (or come from a small set); unique codes are identifiers
        else if (p.distinctRatio >= 0.9 && p.nonBlank >= 5 && spaced <= 0.2 * textual)
            p.shape = ColumnShape::Identifier;
        else if (p.distinct <= qMax(12, p.nonBlank / 5) && p.distinctRatio <= 0.5)
            p.shape = ColumnShape::Category;
        else
            p.shape = ColumnShape::FreeText;
        out << p;
    }
    return out;
}

} // namespace finpipe::detect
