#include "cellvalues.h"

#include "ingest/sha256.h"
#include "ingest/valueparser.h"

#include <QDate>

#include <charconv>
#include <cmath>

namespace finpipe::analysis::cells {

namespace {

using ingest::values::dayOf;
using ingest::values::kMsecsPerDay;
// QDate's Julian day of 1970-01-01.
constexpr qint64 kEpochJulianDay = 2440588;

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool digits(std::string_view s, size_t pos, size_t n, int &out)
{
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const char x = (a[i] >= 'A' && a[i] <= 'Z') ? char(a[i] + 32) : a[i];
        if (x != b[i])
            return false;
    }
    return true;
}

} // namespace

std::string_view trim(std::string_view s)
{
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return s;
}

bool numberOf(const ingest::Value &v, double &out)
{
    if (v.isNumber()) {
        out = v.number;
        return std::isfinite(out);
    }
    if (v.kind != ingest::Value::Kind::Text)
        return false;
    // Readers type numeric cells already; this catches plain numbers in a column that was typed
    // as text because of other cells. Formatted amounts ("1,234", "$5") are left to the reader.
    std::string_view s = trim(v.text);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return false;
    double d = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(d))
        return false;
    out = d;
    return true;
}

bool dateOf(const ingest::Value &v, qint64 &msecs, bool &hasTime)
{
    if (v.isTemporal()) {
        msecs = v.msecs;
        hasTime = v.kind == ingest::Value::Kind::DateTime && (v.msecs % kMsecsPerDay) != 0;
        return true;
    }
    if (v.kind != ingest::Value::Kind::Text)
        return false;
    const std::string_view s = trim(v.text);
    int y = 0, m = 0, d = 0;
    if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-'
        || !digits(s, 8, 2, d))
        return false;
    const QDate date(y, m, d);
    if (!date.isValid())
        return false;
    qint64 ms = (date.toJulianDay() - kEpochJulianDay) * kMsecsPerDay;
    hasTime = false;
    if (s.size() > 10) {
        int hh = 0, mm = 0, ss = 0;
        if ((s[10] != ' ' && s[10] != 'T') || !digits(s, 11, 2, hh) || s.size() < 16 || s[13] != ':'
            || !digits(s, 14, 2, mm))
            return false;
        size_t end = 16;
        if (s.size() > 16) {
            if (s[16] != ':' || !digits(s, 17, 2, ss))
                return false;
            end = 19;
        }
        if (end != s.size() || hh > 23 || mm > 59 || ss > 59)
            return false;
        ms += ((hh * 60 + mm) * 60 + ss) * qint64(1000);
        hasTime = ms % kMsecsPerDay != 0;
    }
    msecs = ms;
    return true;
}

bool flagOf(const ingest::Value &v, bool &out)
{
    if (v.isNumber() || v.kind == ingest::Value::Kind::Boolean) {
        out = v.number != 0;
        return true;
    }
    if (v.kind != ingest::Value::Kind::Text)
        return false;
    const std::string_view s = trim(v.text);
    for (std::string_view yes : {"1", "true", "yes", "y", "t"}) {
        if (equalsNoCase(s, yes)) {
            out = true;
            return true;
        }
    }
    for (std::string_view no : {"0", "false", "no", "n", "f"}) {
        if (equalsNoCase(s, no)) {
            out = false;
            return true;
        }
    }
    return false;
}

namespace {
constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
}

int decimalsOf(double v, int atLeast)
{
    for (int d = qMax(0, atLeast); d < kMaxDecimals; ++d) {
        const double scaled = v * kPow10[d];
        if (std::abs(scaled) >= 4e15) // beyond this, doubles cannot tell the decimals apart
            return kMaxDecimals;
        if (std::abs(scaled - std::round(scaled)) <= 1e-6)
            return d;
    }
    return kMaxDecimals;
}

double roundTo(double v, int decimals)
{
    if (decimals >= kMaxDecimals || decimals < 0)
        return v;
    const double scaled = v * kPow10[decimals];
    if (std::abs(scaled) >= 4e15)
        return v;
    return std::round(scaled) / kPow10[decimals];
}

qint64 monthStartOf(qint64 msecs)
{
    const QDate date = QDate::fromJulianDay(dayOf(msecs) + kEpochJulianDay);
    return (QDate(date.year(), date.month(), 1).toJulianDay() - kEpochJulianDay) * kMsecsPerDay;
}

QString monthText(qint64 msecs)
{
    const QDate date = QDate::fromJulianDay(dayOf(msecs) + kEpochJulianDay);
    return QStringLiteral("%1-%2").arg(date.year(), 4, 10, QLatin1Char('0')).arg(date.month(), 2, 10, QLatin1Char('0'));
}

QString dateText(qint64 msecs)
{
    return QDate::fromJulianDay(dayOf(msecs) + kEpochJulianDay).toString(Qt::ISODate);
}

QString safeStem(const QString &name, StemLetters letters)
{
    QString out;
    out.reserve(name.size());
    for (const QChar c : name) {
        const bool ascii = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
                           || c == u'-' || c == u'_';
        const bool keep = ascii || (letters == StemLetters::Unicode && (c.isLetterOrNumber() || c == u'.'));
        out += keep ? c : QLatin1Char('_');
    }
    if (out.isEmpty() || out.startsWith(u'.'))
        out.prepend(u'_');
    if (out.toUtf8().size() <= kMaxStemBytes)
        return out;
    // Cut on a character boundary, then make the stem distinct again with the full name's hash.
    const QByteArray full = name.toUtf8();
    char digest[64];
    ingest::Sha256::hex(full.constData(), size_t(full.size()), digest);
    const QString suffix = QLatin1Char('_') + QString::fromLatin1(digest, 8);
    QString cut;
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < out.size(); ++i) {
        const bool pair = out.at(i).isHighSurrogate() && i + 1 < out.size();
        const QString ch = out.mid(i, pair ? 2 : 1);
        bytes += ch.toUtf8().size();
        if (bytes > kMaxStemBytes - suffix.size())
            break;
        cut += ch;
        i += pair ? 1 : 0;
    }
    return cut + suffix;
}

int columnIndex(const QList<ingest::ColumnInfo> &columns, const QString &name)
{
    for (int i = 0; i < columns.size(); ++i) {
        if (columns[i].name == name)
            return i;
    }
    return -1;
}

Result<int> resolveRole(const QList<ingest::ColumnInfo> &columns, const detect::ColumnMapping &mapping,
                        const QString &role, bool required)
{
    const QString column = mapping.roles.value(role);
    if (column.isEmpty()) {
        if (!required)
            return -1;
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("No column is mapped to \"%1\", which this analysis needs. "
                                          "Choose the column that holds it (for example --map %1=COLUMN).")
                               .arg(role));
    }
    const int index = columnIndex(columns, column);
    if (index < 0)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("The column \"%1\" mapped to \"%2\" is not in the file.").arg(column, role));
    return index;
}

std::string_view RowHasher::hash(const std::string_view *fields, int count)
{
    m_buffer.clear();
    for (int i = 0; i < count; ++i) {
        if (i)
            m_buffer += '|';
        m_buffer += fields[i];
    }
    ingest::Sha256::hex(m_buffer.data(), m_buffer.size(), m_hex);
    return {m_hex, 64};
}

namespace {
quint64 fingerprint(std::string_view s)
{
    // FNV-1a, then a final mix so that the low bits used for the slot index are well spread.
    quint64 h = 1469598103934665603ull;
    for (const char c : s) {
        h ^= quint8(c);
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1; // 0 marks an empty slot
}
} // namespace

bool FingerprintSet::insert(std::string_view s)
{
    if (quint64(m_size + 1) * 2 > m_slots.size())
        grow();
    const quint64 f = fingerprint(s);
    const size_t mask = m_slots.size() - 1;
    for (size_t i = size_t(f) & mask;; i = (i + 1) & mask) {
        if (m_slots[i] == f)
            return false;
        if (m_slots[i] == 0) {
            m_slots[i] = f;
            ++m_size;
            return true;
        }
    }
}

void FingerprintSet::grow()
{
    std::vector<quint64> old = std::move(m_slots);
    m_slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
    const size_t mask = m_slots.size() - 1;
    for (const quint64 f : old) {
        if (!f)
            continue;
        size_t i = size_t(f) & mask;
        while (m_slots[i])
            i = (i + 1) & mask;
        m_slots[i] = f;
    }
}

int Interner::id(std::string_view s)
{
    if (auto it = m_ids.find(s); it != m_ids.end())
        return it->second;
    const int id = int(m_texts.size());
    m_texts.emplace_back(s);
    m_ids.emplace(m_texts.back(), id);
    return id;
}

} // namespace finpipe::analysis::cells
