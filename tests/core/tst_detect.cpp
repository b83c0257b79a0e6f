// Detection units: profiles, header matching, role assignment, rules loading (user rules, malformed
// files), ambiguity, and the analyst's override.
#include "detect/assignment.h"
#include "detect/detection.h"
#include "detect/headermatch.h"
#include "detect/override.h"
#include "detect/profile.h"
#include "detect/rolefit.h"
#include "detect/rules.h"

#include "testutil.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::detect;
using namespace finpipe::ingest;

namespace {

//! A table built in the test: values that look like numbers or ISO dates become those kinds.
struct Sample {
    QList<ColumnInfo> columns;
    RowBatch batch;
};

void makeSample(Sample &s, const QStringList &headers, const QList<QStringList> &rows)
{
    s.columns.clear();
    for (const QString &h : headers)
        s.columns << ColumnInfo{h, ColumnType::Text};
    s.batch.reset(int(headers.size()));
    qint64 line = 2;
    static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    for (const QStringList &r : rows) {
        Value *cells = s.batch.appendRow(line++);
        for (int c = 0; c < headers.size(); ++c) {
            const QString text = r.value(c);
            Value &v = cells[c];
            if (text.isEmpty())
                continue;
            v.text = s.batch.store(text.toStdString());
            bool ok = false;
            const double d = text.toDouble(&ok);
            if (ok) {
                v.kind = text.contains(u'.') ? Value::Kind::Decimal : Value::Kind::Integer;
                v.number = d;
            } else if (iso.match(text).hasMatch()) {
                v.kind = Value::Kind::Date;
                v.msecs = QDate::fromString(text, Qt::ISODate).startOfDay(Qt::UTC).toMSecsSinceEpoch();
            } else {
                v.kind = Value::Kind::Text;
            }
        }
    }
}

//! Station readings: 60 rows over 2 stations, 5 parameters.
QList<QStringList> readingRows(int n = 60)
{
    QList<QStringList> rows;
    for (int i = 0; i < n; ++i)
        rows << QStringList{i % 2 ? QStringLiteral("CT") : QStringLiteral("TUS"),
                            QDate(2021, 1, 1).addDays(i / 10).toString(Qt::ISODate),
                            QStringLiteral("Data %1").arg(i % 5 + 1), QString::number(1.5 + i * 0.25)};
    return rows;
}

QByteArray shipped(const QString &name)
{
    QFile f(Rules::shippedDir() + u'/' + name);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestDetect : public QObject
{
    Q_OBJECT

private:
    Rules m_rules;

private Q_SLOTS:
    void initTestCase()
    {
        RulesOptions o;
        o.includeUser = false;
        m_rules = Rules::load(o);
        QVERIFY(m_rules.problems().isEmpty());
    }

    void profileDescribesColumns()
    {
        Sample s;
        QList<QStringList> rows;
        for (int i = 0; i < 40; ++i)
            rows << QStringList{QStringLiteral("ORD%1").arg(1000 + i), i % 3 ? QStringLiteral("North") : QStringLiteral("South"),
                                QStringLiteral("Data %1").arg(i % 4 + 1), QStringLiteral("Note number %1 about things").arg(i),
                                QString::number(i % 2), i % 4 == 0 ? QString() : QString::number(10 + i * 0.5),
                                QDate(2024, 1, 1).addDays(i).toString(Qt::ISODate)};
        makeSample(s, {QStringLiteral("id"), QStringLiteral("region"), QStringLiteral("Data 9"), QStringLiteral("note"),
                       QStringLiteral("flag"), QStringLiteral("amount"), QStringLiteral("day")},
                   rows);
        const QList<ColumnProfile> p = profileColumns(s.columns, s.batch);
        QCOMPARE(p.size(), 7);
        QCOMPARE(p[0].shape, ColumnShape::Identifier);
        QCOMPARE(p[0].distinctRatio, 1.0);
        QCOMPARE(p[1].shape, ColumnShape::Category);
        QCOMPARE(p[1].distinct, 2);
        QCOMPARE(p[2].shape, ColumnShape::Code);
        QVERIFY(p[2].headerIsCode);
        QVERIFY(!p[1].headerIsCode);
        QCOMPARE(p[3].shape, ColumnShape::FreeText);
        QCOMPARE(p[4].shape, ColumnShape::Flag);
        QCOMPARE(p[5].shape, ColumnShape::Measure);
        QCOMPARE(p[5].type, ColumnType::Decimal);
        QCOMPARE(p[5].blankRate, 0.25);
        QCOMPARE(p[5].minText, QStringLiteral("10.5"));
        QCOMPARE(p[5].maxText, QStringLiteral("29.5"));
        QCOMPARE(p[6].shape, ColumnShape::Temporal);
        QCOMPARE(p[6].type, ColumnType::Date);
        QCOMPARE(p[6].minText, QStringLiteral("2024-01-01"));
        QCOMPARE(p[6].examples.size(), 5);
        QCOMPARE(p[0].examples.first(), QStringLiteral("ORD1000"));
    }

    void headersMatchIgnoringCaseSpacesAndPunctuation()
    {
        QCOMPARE(normalizeHeader(QStringLiteral(" Station_ID ")), QStringLiteral("stationid"));
        QCOMPARE(normalizeHeader(QStringLiteral("station-id")), QStringLiteral("stationid"));
        QCOMPARE(headerTokens(QStringLiteral("PCode")), (QStringList{QStringLiteral("p"), QStringLiteral("code")}));
        QCOMPARE(headerTokens(QStringLiteral("Date_Time")), (QStringList{QStringLiteral("date"), QStringLiteral("time")}));
        QCOMPARE(headerTokens(QStringLiteral("Dates")), QStringList{QStringLiteral("date")});

        const Role &station = *m_rules.type(QStringLiteral("station_readings"))->role(QStringLiteral("station"));
        QCOMPARE(matchHeader(QStringLiteral("station_id"), station).how, HeaderMatch::How::Exact);
        QCOMPARE(matchHeader(QStringLiteral("STATION ID"), station).how, HeaderMatch::How::Normalized);
        QCOMPARE(matchHeader(QStringLiteral("Station-No"), station).how, HeaderMatch::How::Pattern);
        const HeaderMatch tokens = matchHeader(QStringLiteral("Upstream Site"), station);
        QCOMPARE(tokens.how, HeaderMatch::How::Tokens);
        QVERIFY(tokens.score >= 0.5 && tokens.score < 0.9);
        QCOMPARE(matchHeader(QStringLiteral("Track_ID"), station).score < 0.5, true);
        const Role &value = *m_rules.type(QStringLiteral("station_readings"))->role(QStringLiteral("value"));
        QCOMPARE(matchHeader(QStringLiteral("Résultat"), value).how, HeaderMatch::How::Exact);
        QCOMPARE(matchHeader(QStringLiteral("Resultat"), value).how, HeaderMatch::How::Normalized);
    }

    void assignmentIsOptimalNotGreedy()
    {
        // Greedy per row would give row 0 column 0 and leave row 1 with nothing.
        const std::vector<int> a = maxWeightAssignment({{0.9, 0.8}, {0.85, 0.0}});
        QCOMPARE(a, (std::vector<int>{1, 0}));
        // More rows than columns: someone gets nothing, never a column twice.
        const std::vector<int> b = maxWeightAssignment({{0.5}, {0.7}, {0.6}});
        QCOMPARE(b, (std::vector<int>{-1, 0, -1}));
        // Zero weight means "not this column".
        QCOMPARE(maxWeightAssignment({{0.0, 0.0}}), std::vector<int>{-1});
    }

    void eachColumnPlaysOneRole()
    {
        // "Date" could be the order date; "Order Date" is the better one, and "Date" must not be
        // taken twice either way.
        Sample s;
        QList<QStringList> rows;
        for (int i = 0; i < 50; ++i)
            rows << QStringList{QStringLiteral("A%1").arg(i), QDate(2024, 1, 1).addDays(i).toString(Qt::ISODate),
                                QDate(2024, 2, 1).addDays(i).toString(Qt::ISODate), QString::number(10 + i)};
        makeSample(s, {QStringLiteral("Order ID"), QStringLiteral("Date"), QStringLiteral("Order Date"), QStringLiteral("Amount")},
                   rows);
        const Detection d = detectSample(s.columns, s.batch, QStringLiteral("export.csv"), m_rules);
        QCOMPARE(d.type, QStringLiteral("sales_orders"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("order_date")), QStringLiteral("Order Date"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("revenue")), QStringLiteral("Amount"));
        QSet<QString> used;
        for (const QString &c : d.mapping.roles)
            QVERIFY2(!used.contains(c), qPrintable(c));
    }

    void detectsFromSampleWithReasons()
    {
        Sample s;
        makeSample(s, {QStringLiteral("Site"), QStringLiteral("Timestamp"), QStringLiteral("Parameter"), QStringLiteral("Value")},
                   readingRows());
        const Detection d = detectSample(s.columns, s.batch, QStringLiteral("export.csv"), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QCOMPARE(d.level, Level::High);
        QVERIFY(!d.ambiguous);
        QCOMPARE(d.mapping.roles.value(QStringLiteral("value")), QStringLiteral("Value"));
        QVERIFY(d.missingRoles.isEmpty());
        QVERIFY(d.roleConfidence.value(QStringLiteral("station")) >= 0.95);
        QCOMPARE(d.scores.size(), m_rules.types().size());
        QVERIFY(d.scores.value(QStringLiteral("sales_orders")) < 0.5);
        const QList<StrategyScore> mine = d.strategiesFor(d.type);
        QCOMPARE(mine.size(), 5);
        for (const StrategyScore &st : mine)
            if (st.strategy != u"file_name")
                QVERIFY2(!st.reasons.isEmpty(), qPrintable(st.strategy));
        QVERIFY(d.reasons.join(u' ').contains(u"\"Value\""));
        QCOMPARE(d.rulesVersion, m_rules.version());
    }

    void textValuesLowerTheValueProfile()
    {
        // Right headers, wrong values: the value column holds words.
        QList<QStringList> rows = readingRows();
        for (QStringList &r : rows)
            r[3] = QStringLiteral("see lab sheet %1").arg(r[3]);
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result")}, rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QVERIFY(d.level != Level::High);
        QVERIFY(d.candidates.value(QStringLiteral("station_readings")).missingRoles.contains(QStringLiteral("value")));
    }

    void headersWithoutRowsAreNotHigh()
    {
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result")}, {});
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QVERIFY(d.level != Level::High);
        for (const StrategyScore &st : d.strategiesFor(d.type))
            if (st.strategy == u"value_profile")
                QCOMPARE(st.score, 0.0);
    }

    void blankOptionalColumnIsLeftUnmapped()
    {
        // A CSV as exported: "Depth_M" is there but blank in every row; "Units" holds values.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("readings.csv"));
        QByteArray csv = "Station_ID,Date_Time,PCode,Result,Depth_M,Units\n";
        for (const QStringList &r : readingRows())
            csv += (r.join(u',') + QStringLiteral(",,mg/l\n")).toUtf8();
        test::writeFixture(path, csv);
        auto r = detectFile(path, {}, m_rules);
        QVERIFY(r.ok());
        const Detection &d = *r;
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QCOMPARE(d.level, Level::High);
        QVERIFY(!d.mapping.roles.contains(QStringLiteral("depth")));
        QVERIFY(!d.roleConfidence.contains(QStringLiteral("depth")));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("unit")), QStringLiteral("Units"));
        QCOMPARE(d.mapping.roles.size(), 5);
        QCOMPARE(d.candidates.value(d.type).blankColumns,
                 (QMap<QString, QString>{{QStringLiteral("depth"), QStringLiteral("Depth_M")}}));
        // Said where the analyst reads it: the summary and the value evidence; the header evidence
        // does not claim the column.
        QVERIFY2(d.reasons.contains(QStringLiteral("\"Depth_M\" is empty in the sample, so depth is left unmapped.")),
                 qPrintable(d.reasons.join(u'|')));
        for (const StrategyScore &st : d.strategiesFor(d.type)) {
            const QString said = st.reasons.join(u'|');
            if (st.strategy == u"value_profile")
                QVERIFY2(said.contains(QStringLiteral("\"Depth_M\" is empty in the sample")), qPrintable(said));
            else
                QVERIFY2(!said.contains(QStringLiteral("Depth_M")), qPrintable(said));
        }
        // The proposal is accepted as is; the analyst may still choose the blank column for the optional role.
        QVERIFY(validateOverride(OverrideChoice{}, d, m_rules).ok());
        OverrideChoice choice;
        choice.roles.insert(QStringLiteral("depth"), QStringLiteral("Depth_M"));
        QVERIFY(validateOverride(choice, d, m_rules).ok());

        // A column with values wins over a blank one even when the blank one's header is the better name.
        QList<QStringList> rows = readingRows();
        for (int i = 0; i < rows.size(); ++i)
            rows[i] << QString() << QString::number(i % 4 * 0.5);
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result"),
                       QStringLiteral("Depth_M"), QStringLiteral("Depth of sample")},
                   rows);
        const Detection withValues = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(withValues.mapping.roles.value(QStringLiteral("depth")), QStringLiteral("Depth of sample"));
        QVERIFY(withValues.candidates.value(withValues.type).blankColumns.isEmpty());
    }

    void blankRequiredColumnIsALastResort()
    {
        // "Result" is blank, "Lab Result (mg/l)" holds the numbers: the value is the column with values,
        // although "Result" names the role better.
        QList<QStringList> rows = readingRows();
        for (QStringList &r : rows)
            r << r[3];
        for (QStringList &r : rows)
            r[3].clear();
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result"),
                       QStringLiteral("Lab Result (mg/l)")},
                   rows);
        const Detection other = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(other.type, QStringLiteral("station_readings"));
        QCOMPARE(other.mapping.roles.value(QStringLiteral("value")), QStringLiteral("Lab Result (mg/l)"));
        QVERIFY(other.candidates.value(other.type).blankColumns.isEmpty());

        // Nothing else holds numbers: the blank "Result" stands in for the required value, says so, and
        // the detection is not high on the strength of it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("raw_readings.csv"));
        QByteArray csv = "Station_ID,Date_Time,PCode,Result,Remark\n";
        for (const QStringList &r : readingRows())
            csv += QStringLiteral("%1,%2,%3,,checked\n").arg(r[0], r[1], r[2]).toUtf8();
        test::writeFixture(path, csv);
        auto r = detectFile(path, {}, m_rules);
        QVERIFY(r.ok());
        const Detection &d = *r;
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("value")), QStringLiteral("Result"));
        QVERIFY(d.missingRoles.isEmpty());
        QVERIFY(d.level != Level::High);
        QVERIFY(d.roleConfidence.value(QStringLiteral("value")) < 0.5);
        QVERIFY(d.roleConfidence.value(QStringLiteral("station")) >= 0.95);
        QCOMPARE(d.candidates.value(d.type).blankColumns,
                 (QMap<QString, QString>{{QStringLiteral("value"), QStringLiteral("Result")}}));
        QVERIFY2(d.reasons.join(u'|').contains(
                     QStringLiteral("\"Result\" is empty in the sample; it is taken as value only because no column "
                                    "with values fits")),
                 qPrintable(d.reasons.join(u'|')));
        for (const StrategyScore &st : d.strategiesFor(d.type))
            if (st.strategy == u"exact_header")
                QVERIFY2(st.reasons.join(u'|').contains(QStringLiteral("Result -> value (empty in the sample)")),
                         qPrintable(st.reasons.join(u'|')));
        // The same file with numbers in "Result" is high: the blank column is what holds it back.
        QByteArray filled = "Station_ID,Date_Time,PCode,Result,Remark\n";
        for (const QStringList &row : readingRows())
            filled += (row.join(u',') + QStringLiteral(",checked\n")).toUtf8();
        test::writeFixture(path, filled);
        auto full = detectFile(path, {}, m_rules);
        QVERIFY(full.ok());
        QCOMPARE(full->level, Level::High);
        QVERIFY(full->confidence > d.confidence);
        // Running on it needs the analyst: a column with no values cannot be the value.
        auto accepted = validateOverride(OverrideChoice{}, d, m_rules);
        QVERIFY(!accepted.ok());
        QVERIFY2(accepted.error().message.contains(QStringLiteral("\"Result\" cannot be the value")),
                 qPrintable(accepted.error().message));
    }

    void weakerEvidenceGivesLowerConfidence()
    {
        // The right type, found through shared words and date values rather than known headers:
        // right, but finpipe asks (low), it does not proceed on its own.
        Sample s;
        makeSample(s, {QStringLiteral("Sampling Site Name"), QStringLiteral("Sample Collected"), QStringLiteral("Param"),
                       QStringLiteral("Lab Result (mg/l)")},
                   readingRows());
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("timestamp")), QStringLiteral("Sample Collected"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("value")), QStringLiteral("Lab Result (mg/l)"));
        QVERIFY(d.level == Level::Low || d.level == Level::Medium);
        QVERIFY(d.roleConfidence.value(QStringLiteral("timestamp")) < 0.5);

        // Sales without an order id (the references repeat, so none of them identifies an order): nothing
        // fits, "none of them" is not sure either, and the analyst is told which type came closest and
        // what it lacks. (With unique references see salesOrdersFoundByValuesWhereSound.)
        Sample v;
        QList<QStringList> rows;
        for (int i = 0; i < 60; ++i)
            rows << QStringList{QStringLiteral("R%1").arg(i % 20), QDate(2024, 1, 1).addDays(i).toString(Qt::ISODate),
                                QStringLiteral("C%1").arg(i % 7), QString::number(100 + i * 3.5)};
        makeSample(v, {QStringLiteral("Ref"), QStringLiteral("Booked"), QStringLiteral("Client"), QStringLiteral("Net Amount")}, rows);
        const Detection g = detectSample(v.columns, v.batch, QString(), m_rules);
        QCOMPARE(g.type, QStringLiteral("generic_table"));
        QVERIFY(g.level != Level::High);
        QVERIFY(g.confidence < m_rules.settings().fallbackMaxConfidence);
        // Two types come about as close, each lacking one required role: sales orders (no order id)
        // and bank statements (a date, an amount and a reference, but no description).
        QVERIFY2(g.runnerUp == u"sales_orders" || g.runnerUp == u"bank_transactions", qPrintable(g.runnerUp));
        QVERIFY(g.reasons.join(u' ').contains(g.runnerUp == u"sales_orders" ? QStringLiteral("no column for order ID")
                                                                             : QStringLiteral("no column for description")));
        QVERIFY(g.candidates.value(QStringLiteral("sales_orders")).missingRoles.contains(QStringLiteral("order_id")));
    }

    void valueEvidenceSaysWhatValuesAloneShow()
    {
        const DatasetType &sr = *m_rules.type(QStringLiteral("station_readings"));
        const DatasetType &so = *m_rules.type(QStringLiteral("sales_orders"));
        QList<QStringList> rows = readingRows();
        for (int i = 0; i < rows.size(); ++i)
            rows[i] << QStringLiteral("ORD%1").arg(5000 + i) << QStringLiteral("CT") << QStringLiteral("note %1 on it").arg(i);
        Sample s;
        makeSample(s, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e"),
                       QStringLiteral("f"), QStringLiteral("g")},
                   rows);
        const QList<ColumnProfile> p = profileColumns(s.columns, s.batch);
        auto evidence = [&](int col, const DatasetType &t, const char *role) {
            return valueEvidence(p[col], *t.role(QString::fromLatin1(role)));
        };
        // Telling: a few stations (the role's max_distinct_ratio bounds them), dates, repeated short codes.
        QCOMPARE(evidence(0, sr, "station"), ValueEvidence::Telling);
        QCOMPARE(evidence(1, sr, "timestamp"), ValueEvidence::Telling);
        QCOMPARE(evidence(2, sr, "parameter"), ValueEvidence::Telling);
        // Plain: numbers and unique ids are in most tables.
        QCOMPARE(evidence(3, sr, "value"), ValueEvidence::Plain);
        QCOMPARE(evidence(4, so, "order_id"), ValueEvidence::Plain);
        // None: the wrong kind, a failed check, one value only, free text.
        QCOMPARE(evidence(0, sr, "value"), ValueEvidence::None);
        QCOMPARE(evidence(3, sr, "timestamp"), ValueEvidence::None);
        QCOMPARE(evidence(4, sr, "station"), ValueEvidence::None); // every value different: not a few stations
        QCOMPARE(evidence(5, sr, "station"), ValueEvidence::None); // a single station says nothing
        QCOMPARE(evidence(6, so, "product_name"), ValueEvidence::None);

        // Too few rows to tell: only a date is still a date.
        Sample few;
        makeSample(few, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}, readingRows(20));
        const QList<ColumnProfile> q = profileColumns(few.columns, few.batch);
        QCOMPARE(valueEvidence(q[0], *sr.role(QStringLiteral("station"))), ValueEvidence::None);
        QCOMPARE(valueEvidence(q[1], *sr.role(QStringLiteral("timestamp"))), ValueEvidence::Telling);
        QCOMPARE(valueEvidence(q[3], *sr.role(QStringLiteral("value"))), ValueEvidence::None);
    }

    void readingsRecognisedByTheirValues()
    {
        // A logger export whose headers name no role: the long layout is recognised by its values, but
        // finpipe says so and asks (medium), it does not proceed on its own.
        Sample s;
        const QStringList dutch{QStringLiteral("Meetpunt"), QStringLiteral("Tijdstip"), QStringLiteral("Grootheid"),
                                QStringLiteral("Meetwaarde")};
        makeSample(s, dutch, readingRows());
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QCOMPARE(d.mapping.roles, (QMap<QString, QString>{{QStringLiteral("station"), dutch[0]},
                                                          {QStringLiteral("timestamp"), dutch[1]},
                                                          {QStringLiteral("parameter"), dutch[2]},
                                                          {QStringLiteral("value"), dutch[3]}}));
        QVERIFY(d.missingRoles.isEmpty());
        QCOMPARE(d.level, Level::Medium);
        QVERIFY2(d.confidence >= m_rules.settings().medium && d.confidence < m_rules.settings().high,
                 qPrintable(QString::number(d.confidence)));
        QVERIFY(!d.ambiguous);
        QCOMPARE(d.candidates.value(d.type).foundByValues,
                 (QStringList{QStringLiteral("station"), QStringLiteral("timestamp"), QStringLiteral("parameter"),
                              QStringLiteral("value")}));
        for (auto it = d.roleConfidence.cbegin(); it != d.roleConfidence.cend(); ++it)
            QVERIFY2(it.value() < 0.5, qPrintable(it.key()));
        // Honest about the headers: they earn nothing, and every strategy says why.
        for (const StrategyScore &st : d.strategiesFor(d.type)) {
            const QString said = st.reasons.join(u'|');
            if (st.strategy == u"exact_header" || st.strategy == u"fuzzy_header") {
                QCOMPARE(st.score, 0.0);
                QVERIFY2(said.contains(QStringLiteral("station, timestamp, parameter, value (found by their values instead)")),
                         qPrintable(said));
            } else if (st.strategy == u"value_profile") {
                QVERIFY2(said.contains(QStringLiteral("found by its values: \"Grootheid\" as parameter (code): 5 codes such as")),
                         qPrintable(said));
            }
        }
        const QString reasons = d.reasons.join(u'|');
        QVERIFY2(reasons.contains(QStringLiteral("Found by its values: station = \"Meetpunt\" (2 values such as")), qPrintable(reasons));
        QVERIFY2(reasons.contains(QStringLiteral("Found by its values: value = \"Meetwaarde\" (numbers 1.5 to 16.25); no header names it.")),
                 qPrintable(reasons));
        QVERIFY2(reasons.contains(QStringLiteral("the confidence is at most medium")), qPrintable(reasons));
        // The proposal can be accepted as it is.
        QVERIFY(validateOverride(OverrideChoice{}, d, m_rules).ok());

        // The same file with known headers is high and surer.
        Sample named;
        makeSample(named, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result")},
                   readingRows());
        const Detection plain = detectSample(named.columns, named.batch, QString(), m_rules);
        QCOMPARE(plain.level, Level::High);
        QVERIFY(plain.candidates.value(plain.type).foundByValues.isEmpty());
        QVERIFY(plain.confidence > d.confidence);
    }

    void onlyTheParameterFoundByItsValues()
    {
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("code"), QStringLiteral("Result")},
                   readingRows());
        const Detection d = detectSample(s.columns, s.batch, QStringLiteral("readings.csv"), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("parameter")), QStringLiteral("code"));
        QCOMPARE(d.candidates.value(d.type).foundByValues, QStringList{QStringLiteral("parameter")});
        // Three headers named exactly and a file name that fits would make it high; the one column no
        // header names keeps it at medium.
        QCOMPARE(d.level, Level::Medium);
        QVERIFY(d.confidence < m_rules.settings().high);
        QVERIFY(d.roleConfidence.value(QStringLiteral("station")) >= 0.95);
        QCOMPARE(d.roleConfidence.value(QStringLiteral("parameter")), 0.4);
        for (const StrategyScore &st : d.strategiesFor(d.type))
            if (st.strategy == u"exact_header")
                QVERIFY2(st.reasons.join(u'|').contains(QStringLiteral("the required role(s) parameter (found by its values instead)")),
                         qPrintable(st.reasons.join(u'|')));
        QVERIFY2(d.reasons.contains(QStringLiteral("That column was recognised by its values, not its header, so the "
                                                   "confidence is at most medium: please check the mapping.")),
                 qPrintable(d.reasons.join(u'|')));
    }

    void valuesAloneDoNotMakeUpAType_data()
    {
        QTest::addColumn<QStringList>("headers");
        QTest::addColumn<QList<QStringList>>("rows");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("why");

        // A log: every row has its own time, so the timestamp fails station_readings' check (long readings
        // share a time between parameters), though level, component and duration look the part.
        QList<QStringList> log;
        const QStringList levels{QStringLiteral("INFO"), QStringLiteral("INFO"), QStringLiteral("WARN"), QStringLiteral("ERROR")};
        for (int i = 0; i < 60; ++i)
            log << QStringList{QDate(2025, 1, 1).addDays(i).toString(Qt::ISODate), levels[i % 4],
                               QStringLiteral("worker-%1").arg(i % 3 + 1), QString::number(20 + i * 7)};
        QTest::newRow("log") << QStringList{QStringLiteral("timestamp"), QStringLiteral("level"), QStringLiteral("component"),
                                            QStringLiteral("duration_ms")}
                             << log << QStringLiteral("station_readings")
                             << QStringLiteral("\"timestamp\" has too many different values (100% distinct)");

        // A wide table: which of the measures would be the value? None may be guessed.
        QList<QStringList> wide = readingRows();
        for (int i = 0; i < wide.size(); ++i)
            wide[i] << QString::number(40 + i % 9);
        QTest::newRow("wide") << QStringList{QStringLiteral("Unit A"), QStringLiteral("Day"), QStringLiteral("Line"),
                                             QStringLiteral("Output"), QStringLiteral("Scrap")}
                              << wide << QStringLiteral("station_readings")
                              << QStringLiteral("\"Output\" and \"Scrap\" could both be the value");

        // Parameters named rather than coded ("pH", "Temp"): the stations and the parameters are both a few
        // repeated words that could swap places, and the long layout's column of codes is missing.
        QList<QStringList> named = readingRows();
        const QStringList params{QStringLiteral("pH"), QStringLiteral("Temp"), QStringLiteral("Cond"), QStringLiteral("Turb"),
                                 QStringLiteral("Flow")};
        for (int i = 0; i < named.size(); ++i)
            named[i][2] = params[i % 5];
        QTest::newRow("named parameters") << QStringList{QStringLiteral("Meetpunt"), QStringLiteral("Tijdstip"),
                                                         QStringLiteral("Grootheid"), QStringLiteral("Meetwaarde")}
                                          << named << QStringLiteral("station_readings")
                                          << QStringLiteral("the file's columns do not fit the type's structure");

        // Employees: a unique id, a date and a number are in every other table; values alone cannot
        // make them orders.
        QList<QStringList> staff;
        for (int i = 0; i < 60; ++i)
            staff << QStringList{QStringLiteral("E%1").arg(1000 + i), QDate(2015, 1, 1).addDays(i * 37).toString(Qt::ISODate),
                                 QString::number(30000 + i * 250)};
        QTest::newRow("employees") << QStringList{QStringLiteral("staff_no"), QStringLiteral("joined"), QStringLiteral("salary")}
                                   << staff << QStringLiteral("sales_orders")
                                   << QStringLiteral("order_id and revenue would both rest on values that many tables have");
    }

    void valuesAloneDoNotMakeUpAType()
    {
        QFETCH(QStringList, headers);
        QFETCH(QList<QStringList>, rows);
        QFETCH(QString, type);
        QFETCH(QString, why);
        Sample s;
        makeSample(s, headers, rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("generic_table"));
        QCOMPARE(d.level, Level::Medium);
        for (auto it = d.scores.cbegin(); it != d.scores.cend(); ++it)
            if (it.key() != d.type)
                QVERIFY2(it.value() < m_rules.settings().low, qPrintable(it.key()));
        // The type that came close says why its values were not enough, and nothing stands on values alone.
        QVERIFY(d.candidates.value(type).foundByValues.size() <= 1);
        bool said = false;
        for (const StrategyScore &st : d.strategiesFor(type))
            said = said || st.reasons.contains(QStringLiteral("not recognised by its values alone: ") + why);
        QVERIFY2(said, qPrintable(d.strategiesFor(type).value(2).reasons.join(u'|')));
    }

    void valuesNeedEnoughRowsAStructureAndMoreThanPlainValues()
    {
        const QStringList unknown{QStringLiteral("Meetpunt"), QStringLiteral("Tijdstip"), QStringLiteral("Grootheid"),
                                  QStringLiteral("Meetwaarde")};
        // 20 rows say too little about the stations and parameters: only the date is found by its values.
        Sample few;
        makeSample(few, unknown, readingRows(20));
        const Detection d = detectSample(few.columns, few.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("generic_table"));
        QCOMPARE(d.candidates.value(QStringLiteral("station_readings")).foundByValues, QStringList{QStringLiteral("timestamp")});

        // A date and a number are in most tables: a (user) type needing nothing more is never found by its
        // values, the number being plain values with too little else to go on.
        QTemporaryDir meterDir;
        test::writeFixture(meterDir.filePath(QStringLiteral("meter_log.json")), R"({
            "id": "meter_log", "name": "Meter log", "analysis": "profile",
            "structure": {"temporal_columns": {"min": 1}, "numeric_columns": {"min": 1}},
            "roles": [
                {"name": "read_on", "required": true, "kind": "date", "synonyms": ["Read On"]},
                {"name": "reading", "required": true, "kind": "number", "synonyms": ["Meter Reading"]}
            ]
        })");
        const Rules meter = Rules::loadFromDirs({Rules::shippedDir(), meterDir.path()});
        QVERIFY(meter.problems().isEmpty());
        Sample twoColumns;
        QList<QStringList> readings;
        for (int i = 0; i < 60; ++i)
            readings << QStringList{QDate(2024, 1, 1).addDays(i).toString(Qt::ISODate), QString::number(1000 + i * 13)};
        makeSample(twoColumns, {QStringLiteral("Stamp"), QStringLiteral("x")}, readings);
        const Detection m = detectSample(twoColumns.columns, twoColumns.batch, QString(), meter);
        QCOMPARE(m.type, QStringLiteral("generic_table"));
        QCOMPARE(m.candidates.value(QStringLiteral("meter_log")).missingRoles, QStringList{QStringLiteral("reading")});
        bool tooLittle = false;
        for (const StrategyScore &st : m.strategiesFor(QStringLiteral("meter_log")))
            tooLittle = tooLittle
                        || st.reasons.contains(QStringLiteral("not recognised by its values alone: reading would rest on "
                                                              "values that many tables have, with too little else to go on"));
        QVERIFY(tooLittle);

        // A type that describes no structure is found by its headers only: the shape cannot be checked.
        QTemporaryDir dir;
        QJsonDocument doc = QJsonDocument::fromJson(shipped(QStringLiteral("station_readings.json")));
        QJsonObject o = doc.object();
        o.remove(QStringLiteral("structure"));
        o.insert(QStringLiteral("id"), QStringLiteral("lab_readings"));
        test::writeFixture(dir.filePath(QStringLiteral("lab_readings.json")), QJsonDocument(o).toJson());
        const Rules rules = Rules::loadFromDirs({Rules::shippedDir(), dir.path()});
        QVERIFY(rules.problems().isEmpty());
        Sample s;
        makeSample(s, unknown, readingRows());
        const Detection withCopy = detectSample(s.columns, s.batch, QString(), rules);
        QCOMPARE(withCopy.type, QStringLiteral("station_readings"));
        const TypeMatch lab = withCopy.candidates.value(QStringLiteral("lab_readings"));
        QVERIFY(!lab.missingRoles.isEmpty());
        QVERIFY(withCopy.scores.value(QStringLiteral("lab_readings")) < rules.settings().low);
        bool said = false;
        for (const StrategyScore &st : withCopy.strategiesFor(QStringLiteral("lab_readings")))
            said = said || st.reasons.contains(QStringLiteral("not recognised by its values alone: the type describes no "
                                                              "structure to check the file's shape against"));
        QVERIFY(said);
    }

    void salesOrdersFoundByValuesWhereSound()
    {
        // Unique references, dates, client codes and a named amount: the order id and date are found by
        // their values, the revenue by its header; sales orders, but only medium.
        Sample v;
        QList<QStringList> rows;
        for (int i = 0; i < 60; ++i)
            rows << QStringList{QStringLiteral("R%1").arg(i), QDate(2024, 1, 1).addDays(i).toString(Qt::ISODate),
                                QStringLiteral("C%1").arg(i % 7), QString::number(100 + i * 3.5)};
        makeSample(v, {QStringLiteral("Ref"), QStringLiteral("Booked"), QStringLiteral("Client"), QStringLiteral("Net Amount")}, rows);
        const Detection d = detectSample(v.columns, v.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("sales_orders"));
        QCOMPARE(d.level, Level::Medium);
        QCOMPARE(d.mapping.roles.value(QStringLiteral("order_id")), QStringLiteral("Ref"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("order_date")), QStringLiteral("Booked"));
        QCOMPARE(d.mapping.roles.value(QStringLiteral("revenue")), QStringLiteral("Net Amount"));
        QCOMPARE(d.candidates.value(d.type).foundByValues, (QStringList{QStringLiteral("order_id"), QStringLiteral("order_date")}));
        QVERIFY2(d.reasons.contains(QStringLiteral("Found by its values: order ID = \"Ref\" (unique values such as \"R0\", \"R1\"); "
                                                   "no header names it.")),
                 qPrintable(d.reasons.join(u'|')));

        // Without a header for the revenue either, two roles would rest on plain values (unique ids and
        // numbers, which most tables have): not sound, so not sales orders.
        makeSample(v, {QStringLiteral("Ref"), QStringLiteral("Booked"), QStringLiteral("Client"), QStringLiteral("Net")}, rows);
        const Detection g = detectSample(v.columns, v.batch, QString(), m_rules);
        QCOMPARE(g.type, QStringLiteral("generic_table"));
        QVERIFY(g.scores.value(QStringLiteral("sales_orders")) < m_rules.settings().low);
    }

    void fallbackIsNeverHigh()
    {
        Sample s;
        QList<QStringList> rows;
        for (int i = 0; i < 30; ++i)
            rows << QStringList{QString::number(i * 0.37), QString::number(i * 1.1)};
        makeSample(s, {QStringLiteral("x"), QStringLiteral("y")}, rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("generic_table"));
        QVERIFY(d.confidence < m_rules.settings().high);
        QCOMPARE(d.level, Level::Medium);
        QVERIFY(d.mapping.roles.isEmpty());
    }

    void ambiguousWhenRunnerUpIsClose()
    {
        // A user type that claims the same columns as station_readings: two equally good answers.
        QTemporaryDir dir;
        QByteArray copy = shipped(QStringLiteral("station_readings.json"));
        copy.replace("\"id\": \"station_readings\"", "\"id\": \"lab_readings\"");
        test::writeFixture(dir.filePath(QStringLiteral("lab_readings.json")), copy);
        const Rules rules = Rules::loadFromDirs({Rules::shippedDir(), dir.path()});
        QVERIFY(rules.problems().isEmpty());
        QVERIFY(rules.type(QStringLiteral("lab_readings")));

        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result")},
                   readingRows());
        const Detection d = detectSample(s.columns, s.batch, QString(), rules);
        QVERIFY(d.ambiguous);
        QVERIFY(d.level != Level::High);
        QVERIFY(d.type == u"lab_readings" || d.type == u"station_readings");
        QVERIFY(d.runnerUp == u"lab_readings" || d.runnerUp == u"station_readings");
        QVERIFY(d.reasons.join(u' ').contains(QStringLiteral("please confirm")));

        // Without the copy the same sample is unambiguous and high.
        const Detection plain = detectSample(s.columns, s.batch, QString(), m_rules);
        QVERIFY(!plain.ambiguous);
        QCOMPARE(plain.level, Level::High);
    }

    void shippedRulesDescribeTheTypes()
    {
        QStringList ids;
        for (const DatasetType &t : m_rules.types())
            ids << t.id;
        QCOMPARE(ids, (QStringList{QStringLiteral("bank_transactions"), QStringLiteral("sales_orders"),
                                   QStringLiteral("station_analysis"), QStringLiteral("station_readings"),
                                   QStringLiteral("generic_table")}));
        QCOMPARE(m_rules.type(QStringLiteral("bank_transactions"))->analysis, QStringLiteral("bank_transactions"));
        QCOMPARE(m_rules.type(QStringLiteral("station_readings"))->analysis, QStringLiteral("station_pivot"));
        QCOMPARE(m_rules.type(QStringLiteral("station_analysis"))->analysis, QStringLiteral("timeseries_report"));
        QCOMPARE(m_rules.type(QStringLiteral("sales_orders"))->analysis, QStringLiteral("sales_summary"));
        QCOMPARE(m_rules.type(QStringLiteral("generic_table"))->analysis, QStringLiteral("profile"));
        QCOMPARE(m_rules.type(QStringLiteral("station_readings"))->requiredRoles(),
                 (QStringList{QStringLiteral("station"), QStringLiteral("timestamp"), QStringLiteral("parameter"),
                              QStringLiteral("value")}));
        QCOMPARE(m_rules.type(QStringLiteral("sales_orders"))->requiredRoles(),
                 (QStringList{QStringLiteral("order_id"), QStringLiteral("order_date"), QStringLiteral("revenue")}));
        QCOMPARE(m_rules.type(QStringLiteral("sales_orders"))->role(QStringLiteral("fraud_flag"))->kind, RoleKind::Flag);
        QVERIFY(m_rules.type(QStringLiteral("station_analysis"))->role(QStringLiteral("parameters"))->minColumns >= 2);
        QVERIFY(m_rules.type(QStringLiteral("generic_table"))->fallback);
        QCOMPARE(m_rules.version().size(), 16);
    }

    void userRuleReplacesShippedOne()
    {
        QTemporaryDir dir;
        QByteArray mine = shipped(QStringLiteral("sales_orders.json"));
        mine.replace("\"analysis\": \"sales_summary\"", "\"analysis\": \"profile\"");
        mine.replace("\"Order Date\",", "\"Booked On\", \"Order Date\",");
        test::writeFixture(dir.filePath(QStringLiteral("my_sales.json")), mine);
        RulesOptions o;
        o.userDir = dir.path();
        const Rules rules = Rules::load(o);
        QVERIFY(rules.problems().isEmpty());
        QCOMPARE(rules.types().size(), m_rules.types().size()); // replaced, not added
        const DatasetType *t = rules.type(QStringLiteral("sales_orders"));
        QCOMPARE(t->analysis, QStringLiteral("profile"));
        QVERIFY(t->sourceFile.startsWith(dir.path()));
        QVERIFY(t->role(QStringLiteral("order_date"))->synonyms.contains(QStringLiteral("Booked On")));
        QVERIFY(rules.version() != m_rules.version());
        QCOMPARE(rules.sources().last(), dir.path());
    }

    void userSettingsReplaceShippedValues()
    {
        QTemporaryDir dir;
        test::writeFixture(dir.filePath(QStringLiteral("settings.json")), "{ \"levels\": {\"high\": 0.95} }");
        RulesOptions o;
        o.userDir = dir.path();
        const Rules rules = Rules::load(o);
        QVERIFY(rules.problems().isEmpty());
        QCOMPARE(rules.settings().high, 0.95);
        QCOMPARE(rules.settings().medium, m_rules.settings().medium); // untouched keys keep the shipped values

        // The thresholds are what the levels follow: a 0.95 file is high by default, medium here.
        Sample s;
        makeSample(s, {QStringLiteral("Site"), QStringLiteral("Timestamp"), QStringLiteral("Parameter"), QStringLiteral("Value")},
                   readingRows());
        const Detection byDefault = detectSample(s.columns, s.batch, QString(), m_rules);
        const Detection stricter = detectSample(s.columns, s.batch, QString(), rules);
        QVERIFY(byDefault.confidence >= 0.9 && byDefault.confidence < 0.95);
        QCOMPARE(byDefault.level, Level::High);
        QCOMPARE(stricter.confidence, byDefault.confidence);
        QCOMPARE(stricter.level, Level::Medium);
    }

    void malformedSettingsAreReportedAndShippedOnesKept()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("settings.json"));
        test::writeFixture(path, "{\n  \"weights\": {\"exact_header\": 0.3},\n  \"levels\": {\"high\": 0.6, \"medium\": 0.8}\n}\n");
        RulesOptions o;
        o.userDir = dir.path();
        const Rules rules = Rules::load(o);
        QCOMPARE(rules.problems().size(), 1);
        QCOMPARE(rules.problems().first().file, path);
        QCOMPARE(rules.problems().first().line, 3);
        QVERIFY(rules.problems().first().message.contains(QStringLiteral("low <= medium <= high")));
        QCOMPARE(rules.settings().high, m_rules.settings().high);
        QCOMPARE(rules.settings().weights, m_rules.settings().weights); // nothing from the bad file applies
    }

    void malformedRulesAreReportedAndSkipped_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("says");
        QTest::newRow("syntax") << QByteArray("{\n  \"id\": \"broken\",\n  \"roles\": [ , ]\n}\n") << 3 << QString();
        QTest::newRow("missing comma") << QByteArray("{\n \"id\": \"x\"\n \"analysis\": \"profile\"\n}") << 3 << QString();
        QTest::newRow("unknown kind")
            << QByteArray("{\n \"id\": \"bad_kind\",\n \"analysis\": \"profile\",\n \"roles\": [\n"
                          "  {\"name\": \"amount\", \"required\": true,\n   \"kind\": \"numbr\", \"synonyms\": [\"Amount\"]}\n ]\n}")
            << 6 << QStringLiteral("unknown kind \"numbr\"");
        QTest::newRow("bad pattern")
            << QByteArray("{\n \"id\": \"bad_re\",\n \"analysis\": \"profile\",\n \"roles\": [\n"
                          "  {\"name\": \"a\", \"required\": true, \"kind\": \"text\",\n   \"patterns\": [\"(unclosed\"]}\n ]\n}")
            << 6 << QStringLiteral("not a valid regular expression");
        QTest::newRow("no required role")
            << QByteArray("{\n \"id\": \"loose\",\n \"analysis\": \"profile\",\n \"roles\": [\n"
                          "  {\"name\": \"a\", \"kind\": \"text\", \"synonyms\": [\"A\"]}\n ]\n}")
            << 4 << QStringLiteral("no required role");
        QTest::newRow("no id") << QByteArray("{\"analysis\": \"profile\", \"roles\": []}") << 0 << QStringLiteral("no \"id\"");
    }

    void malformedRulesAreReportedAndSkipped()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, says);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.json"));
        test::writeFixture(path, content);
        RulesOptions o;
        o.userDir = dir.path();
        const Rules rules = Rules::load(o);
        QCOMPARE(rules.problems().size(), 1);
        const RulesProblem &p = rules.problems().first();
        QCOMPARE(p.file, path);
        QCOMPARE(p.line, line);
        QVERIFY2(p.message.contains(says), qPrintable(p.message));
        QVERIFY(p.toString().startsWith(line > 0 ? path + u':' + QString::number(line) + u':' : path + u':'));
        // Skipped, never fatal: the shipped types are all there and detection still works.
        QCOMPARE(rules.types().size(), m_rules.types().size());
        Sample s;
        makeSample(s, {QStringLiteral("Site"), QStringLiteral("Timestamp"), QStringLiteral("Parameter"), QStringLiteral("Value")},
                   readingRows());
        QCOMPARE(detectSample(s.columns, s.batch, QString(), rules).type, QStringLiteral("station_readings"));
    }

    void userTypeCanWin()
    {
        // A type no shipped rule covers (bank statements now have a shipped type, bank_transactions).
        QTemporaryDir dir;
        test::writeFixture(dir.filePath(QStringLiteral("fx_fixings.json")), R"({
            "id": "fx_fixings", "name": "FX fixings", "analysis": "profile",
            "roles": [
                {"name": "fixing_date", "required": true, "kind": "date", "synonyms": ["Fixing Date", "Fixingtag"]},
                {"name": "pair", "required": true, "kind": "text", "synonyms": ["Currency Pair", "Pair"]},
                {"name": "rate", "required": true, "kind": "number", "synonyms": ["Rate", "Kurs"]}
            ]
        })");
        RulesOptions o;
        o.userDir = dir.path();
        const Rules rules = Rules::load(o);
        QVERIFY(rules.problems().isEmpty());
        Sample s;
        QList<QStringList> rows;
        for (int i = 0; i < 40; ++i)
            rows << QStringList{QDate(2024, 3, 1).addDays(i).toString(Qt::ISODate),
                                QStringLiteral("Pair number %1 of the day").arg(i), QString::number(1.05 + i * 0.001)};
        makeSample(s, {QStringLiteral("Fixingtag"), QStringLiteral("Pair"), QStringLiteral("Kurs")}, rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), rules);
        QCOMPARE(d.type, QStringLiteral("fx_fixings"));
        QVERIFY(d.level == Level::High || d.level == Level::Medium);
        QCOMPARE(d.mapping.roles.value(QStringLiteral("rate")), QStringLiteral("Kurs"));
    }

    void overrideRefusesTextAsValue()
    {
        QList<QStringList> rows = readingRows();
        for (int i = 0; i < rows.size(); ++i)
            rows[i] << (i % 3 ? QStringLiteral("ok") : QStringLiteral("n/a"));
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result"),
                       QStringLiteral("Remark")},
                   rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));

        OverrideChoice choice;
        choice.roles.insert(QStringLiteral("value"), QStringLiteral("Remark"));
        auto r = validateOverride(choice, d, m_rules);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Invalid);
        QVERIFY2(r.error().message.contains(QStringLiteral("\"Remark\" cannot be the value")), qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(QStringLiteral("\"ok\"")));
        QVERIFY(r.error().message.contains(QStringLiteral("\"n/a\"")));
    }

    void overrideTakesANumberColumnWithAFewStrayCells()
    {
        // A lab export: a handful of "<0.5" and "n/a" among numbers does not make the column text.
        // The mapping stands; the analysis skips those cells and reports them as unparseable.
        QList<QStringList> rows = readingRows();
        for (int i = 0; i < rows.size(); ++i)
            rows[i] << (i % 20 == 3 ? QStringLiteral("<0.5") : i % 20 == 9 ? QStringLiteral("n/a") : QString::number(i * 0.5));
        // And a column where most values are words: still refused.
        for (int i = 0; i < rows.size(); ++i)
            rows[i] << (i % 3 ? QStringLiteral("pending") : QString::number(i));
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result"),
                       QStringLiteral("Lab"), QStringLiteral("Mostly words")},
                   rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_readings"));
        OverrideChoice choice;
        choice.roles.insert(QStringLiteral("value"), QStringLiteral("Lab"));
        auto r = validateOverride(choice, d, m_rules);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        choice.roles.insert(QStringLiteral("value"), QStringLiteral("Mostly words"));
        r = validateOverride(choice, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("\"Mostly words\" cannot be the value")),
                 qPrintable(r.error().message));
    }

    void overrideRefusesColumnTwiceAndMissingRoles()
    {
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result")},
                   readingRows());
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);

        ColumnMapping twice;
        twice.datasetType = QStringLiteral("station_readings");
        twice.roles = {{QStringLiteral("station"), QStringLiteral("Station_ID")},
                       {QStringLiteral("timestamp"), QStringLiteral("Date_Time")},
                       {QStringLiteral("parameter"), QStringLiteral("PCode")},
                       {QStringLiteral("value"), QStringLiteral("Result")},
                       {QStringLiteral("depth"), QStringLiteral("Result")}};
        auto r = validateMapping(twice, d.profile, m_rules);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("\"Result\" is chosen for both")), qPrintable(r.error().message));

        OverrideChoice drop;
        drop.roles.insert(QStringLiteral("parameter"), QString());
        r = validateOverride(drop, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("needs a column for parameter")), qPrintable(r.error().message));

        OverrideChoice missingColumn;
        missingColumn.roles.insert(QStringLiteral("value"), QStringLiteral("Reslt"));
        r = validateOverride(missingColumn, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("There is no column \"Reslt\"")));

        OverrideChoice unknownType;
        unknownType.datasetType = QStringLiteral("weather");
        r = validateOverride(unknownType, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("\"weather\" is not a dataset type")));

        OverrideChoice salesOnReadings;
        salesOnReadings.datasetType = QStringLiteral("sales_orders");
        r = validateOverride(salesOnReadings, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("needs a column for order_id")));
    }

    void overrideChecksMultiColumnRoles()
    {
        Sample s;
        QList<QStringList> rows;
        for (int i = 0; i < 40; ++i)
            rows << QStringList{QStringLiteral("CT"), QDate(2021, 1, 1).addDays(i).toString(Qt::ISODate),
                                QString::number(1.5 + i), QString::number(2.5 * i), QStringLiteral("note %1").arg(i)};
        makeSample(s, {QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 1"), QStringLiteral("Data 2"),
                       QStringLiteral("Remarks")},
                   rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);
        QCOMPARE(d.type, QStringLiteral("station_analysis"));
        QCOMPARE(d.mapping.columnGroups.value(QStringLiteral("parameters")),
                 (QStringList{QStringLiteral("Data 1"), QStringLiteral("Data 2")}));

        OverrideChoice withText;
        withText.columnGroups.insert(QStringLiteral("parameters"),
                                     {QStringLiteral("Data 1"), QStringLiteral("Data 2"), QStringLiteral("Remarks")});
        auto r = validateOverride(withText, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("\"Remarks\" cannot be the parameters")), qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(QStringLiteral("\"note 0\"")));

        OverrideChoice tooFew;
        tooFew.columnGroups.insert(QStringLiteral("parameters"), {QStringLiteral("Data 1")});
        r = validateOverride(tooFew, d, m_rules);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("at least 2 columns for parameters")), qPrintable(r.error().message));
    }

    void detectingDoesNotConsumeTheReader()
    {
        auto reader = TableReader::open(test::seedPath(QStringLiteral("synthetic_raw_data.csv")));
        QVERIFY(reader.ok());
        auto d = detectReader(**reader, m_rules);
        QVERIFY(d.ok());
        QCOMPARE(d->type, QStringLiteral("station_readings"));
        qint64 rows = 0;
        RowBatch batch;
        for (;;) {
            auto more = (*reader)->readBatch(batch);
            QVERIFY(more.ok());
            rows += batch.rowCount();
            if (!*more)
                break;
        }
        QCOMPARE(rows, 1440);
    }

    void overrideAcceptsAndMarksChanges()
    {
        QList<QStringList> rows = readingRows();
        for (int i = 0; i < rows.size(); ++i)
            rows[i] << QString::number(i % 3 * 0.5);
        Sample s;
        makeSample(s, {QStringLiteral("Station_ID"), QStringLiteral("Date_Time"), QStringLiteral("PCode"), QStringLiteral("Result"),
                       QStringLiteral("Level")},
                   rows);
        const Detection d = detectSample(s.columns, s.batch, QString(), m_rules);

        // Accepting the detection as is: not overridden.
        auto same = validateOverride(OverrideChoice{}, d, m_rules);
        QVERIFY2(same.ok(), same.ok() ? "" : qPrintable(same.error().message));
        QVERIFY(!same->overridden);
        QCOMPARE(same->roles, d.mapping.roles);

        // The analyst says "Level" is the depth; the rest stays as detected.
        OverrideChoice choice;
        choice.roles.insert(QStringLiteral("depth"), QStringLiteral("Level"));
        auto changed = validateOverride(choice, d, m_rules);
        QVERIFY2(changed.ok(), changed.ok() ? "" : qPrintable(changed.error().message));
        QVERIFY(changed->overridden);
        QCOMPARE(changed->roles.value(QStringLiteral("depth")), QStringLiteral("Level"));
        QCOMPARE(changed->roles.value(QStringLiteral("value")), QStringLiteral("Result"));

        // Moving a column to another role takes it from the first: "Level" as value, "Result" unused.
        OverrideChoice move;
        move.roles.insert(QStringLiteral("value"), QStringLiteral("Level"));
        auto moved = validateOverride(move, d, m_rules);
        QVERIFY2(moved.ok(), moved.ok() ? "" : qPrintable(moved.error().message));
        QCOMPARE(moved->roles.value(QStringLiteral("value")), QStringLiteral("Level"));

        // Switching to the generic profile needs no roles.
        OverrideChoice generic;
        generic.datasetType = QStringLiteral("generic_table");
        auto g = validateOverride(generic, d, m_rules);
        QVERIFY(g.ok());
        QVERIFY(g->overridden);
        QVERIFY(g->roles.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDetect)
#include "tst_detect.moc"
