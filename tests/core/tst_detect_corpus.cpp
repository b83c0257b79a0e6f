// Detection accuracy on the corpus in tests/data/detect (expected.json): every file's type and mapping
// must be right, right answers must be high or medium, and no unrelated table may score above low
// for a specific type.
#include "detect/detection.h"
#include "detect/override.h"
#include "detect/rules.h"

#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace finpipe;
using namespace finpipe::detect;
using namespace finpipe::test;

class TestDetectCorpus : public QObject
{
    Q_OBJECT

private:
    Rules m_rules;
    //! Each corpus file's detection, computed once (the corpus is read in one pass).
    QMap<QString, Detection> m_detections;

    static QJsonArray corpus()
    {
        QFile f(dataPath(QStringLiteral("detect/expected.json")));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return QJsonDocument::fromJson(f.readAll()).object().value(u"files").toArray();
    }

    static QString describe(const Detection &d)
    {
        QStringList s;
        for (auto it = d.scores.cbegin(); it != d.scores.cend(); ++it)
            s << QStringLiteral("%1=%2").arg(it.key()).arg(it.value(), 0, 'f', 3);
        return QStringLiteral("got %1 at %2 (%3); scores %4")
            .arg(d.type)
            .arg(d.confidence, 0, 'f', 3)
            .arg(levelName(d.level), s.join(u' '));
    }

private Q_SLOTS:
    void initTestCase()
    {
        RulesOptions o;
        o.includeUser = false; // the shipped rules only: the user's folder must not change the verdicts
        m_rules = Rules::load(o);
        QVERIFY2(m_rules.problems().isEmpty(), qPrintable(m_rules.problems().value(0).toString()));
        QVERIFY(corpus().size() >= 40);
        for (const QJsonValue &v : corpus()) {
            const QString file = v.toObject().value(u"file").toString();
            auto r = detectFile(dataPath(QStringLiteral("detect/") + file), {}, m_rules);
            QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(file + QStringLiteral(": ") + r.error().toString()));
            m_detections.insert(file, *r);
        }
    }

    void detectsCorpus_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QVariantMap>("mapping");
        QTest::addColumn<QVariantMap>("groups");
        for (const QJsonValue &v : corpus()) {
            const QJsonObject o = v.toObject();
            const QString file = o.value(u"file").toString();
            QTest::newRow(qPrintable(file)) << file << o.value(u"type").toString()
                                            << o.value(u"mapping").toObject().toVariantMap()
                                            << o.value(u"groups").toObject().toVariantMap();
        }
    }

    void detectsCorpus()
    {
        QFETCH(QString, file);
        QFETCH(QString, type);
        QFETCH(QVariantMap, mapping);
        QFETCH(QVariantMap, groups);

        QVERIFY(m_detections.contains(file));
        const Detection &d = m_detections[file];

        // Top-1 type.
        QVERIFY2(d.type == type, qPrintable(describe(d)));
        // Right answers are high or medium; the fallback never high.
        QVERIFY2(d.level == Level::High || d.level == Level::Medium, qPrintable(describe(d)));
        if (m_rules.type(type)->fallback) {
            QVERIFY2(d.level != Level::High, qPrintable(describe(d)));
            // Negatives: no specific type above low.
            for (auto it = d.scores.cbegin(); it != d.scores.cend(); ++it)
                if (it.key() != type)
                    QVERIFY2(levelFor(it.value(), m_rules.settings()) == Level::Low
                                 || levelFor(it.value(), m_rules.settings()) == Level::VeryLow,
                             qPrintable(QStringLiteral("%1 scores %2").arg(it.key()).arg(it.value())));
        } else {
            QVERIFY(d.missingRoles.isEmpty());
        }

        // Mapping: every role, nothing more.
        QMap<QString, QString> expected;
        for (auto it = mapping.cbegin(); it != mapping.cend(); ++it)
            expected.insert(it.key(), it.value().toString());
        QCOMPARE(d.mapping.roles, expected);
        QMap<QString, QStringList> expectedGroups;
        for (auto it = groups.cbegin(); it != groups.cend(); ++it)
            expectedGroups.insert(it.key(), it.value().toStringList());
        QCOMPARE(d.mapping.columnGroups, expectedGroups);
        QCOMPARE(d.mapping.datasetType, type);
        QVERIFY(!d.mapping.overridden);

        // What detection proposes passes the same validation as the analyst's choices, so accepting
        // it is always possible.
        auto valid = validateMapping(d.mapping, d.profile, m_rules);
        QVERIFY2(valid.ok(), valid.ok() ? "" : qPrintable(valid.error().message));
    }

    //! Over the whole corpus, a high confidence is always right and a wrong answer never high.
    void highConfidenceIsAlwaysRight()
    {
        int high = 0;
        for (const QJsonValue &v : corpus()) {
            const QJsonObject o = v.toObject();
            const auto r = m_detections.constFind(o.value(u"file").toString());
            QVERIFY(r != m_detections.cend());
            if (r->level == Level::High) {
                ++high;
                QCOMPARE(r->type, o.value(u"type").toString());
            }
            // Every strategy scored every type, within [0, 1], with something to say for the winner.
            QCOMPARE(r->strategies.size(), 5 * m_rules.types().size());
            for (const StrategyScore &s : r->strategies)
                QVERIFY(s.score >= 0 && s.score <= 1);
        }
        // The users' own files and their clean variants are recognised with high confidence.
        QVERIFY(high >= 25);
    }

    //! The figures over the whole corpus, printed for the record (and for comparing rules changes):
    //! top-1 type and mapping accuracy, the levels, and how close the negatives come to a specific type.
    void reportsAccuracy()
    {
        int files = 0, negatives = 0, typeRight = 0, mappingRight = 0;
        QMap<Level, int> levels;
        double worstNegative = 0;
        QString worstNegativeFile;
        for (const QJsonValue &v : corpus()) {
            const QJsonObject o = v.toObject();
            const QString file = o.value(u"file").toString();
            const QString type = o.value(u"type").toString();
            const auto r = m_detections.constFind(file);
            QVERIFY(r != m_detections.cend());
            ++files;
            const bool negative = m_rules.type(type)->fallback;
            negatives += negative ? 1 : 0;
            if (r->type == type)
                ++typeRight;
            QMap<QString, QString> mapping;
            const QJsonObject m = o.value(u"mapping").toObject();
            for (auto it = m.begin(); it != m.end(); ++it)
                mapping.insert(it.key(), it.value().toString());
            QMap<QString, QStringList> groups;
            const QJsonObject g = o.value(u"groups").toObject();
            for (auto it = g.begin(); it != g.end(); ++it)
                groups.insert(it.key(), it.value().toVariant().toStringList());
            if (r->type == type && r->mapping.roles == mapping && r->mapping.columnGroups == groups)
                ++mappingRight;
            ++levels[r->level];
            if (negative)
                for (auto it = r->scores.cbegin(); it != r->scores.cend(); ++it)
                    if (it.key() != type && it.value() > worstNegative) {
                        worstNegative = it.value();
                        worstNegativeFile = QStringLiteral("%1 as %2").arg(file, it.key());
                    }
        }
        auto pct = [&](int n) { return QStringLiteral("%1/%2 (%3%)").arg(n).arg(files).arg(100.0 * n / files, 0, 'f', 1); };
        qInfo().noquote() << QStringLiteral("corpus: %1 files (%2 positive, %3 negative)")
                                 .arg(files)
                                 .arg(files - negatives)
                                 .arg(negatives);
        qInfo().noquote() << QStringLiteral("  top-1 type: %1; type and mapping: %2").arg(pct(typeRight), pct(mappingRight));
        qInfo().noquote() << QStringLiteral("  levels: high %1, medium %2, low %3, very low %4")
                                 .arg(levels.value(Level::High))
                                 .arg(levels.value(Level::Medium))
                                 .arg(levels.value(Level::Low))
                                 .arg(levels.value(Level::VeryLow));
        qInfo().noquote() << QStringLiteral("  negatives: the best specific score is %1 (%2)")
                                 .arg(worstNegative, 0, 'f', 3)
                                 .arg(worstNegativeFile);
        QCOMPARE(typeRight, files);
        QCOMPARE(mappingRight, files);
        QCOMPARE(levelFor(worstNegative, m_rules.settings()) == Level::Low
                     || levelFor(worstNegative, m_rules.settings()) == Level::VeryLow,
                 true);
    }

    void usersFilesAreHigh_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::newRow("raw_data") << QStringLiteral("raw_data.xlsx") << QStringLiteral("station_readings");
        QTest::newRow("synthetic") << QStringLiteral("synthetic_raw_data.csv") << QStringLiteral("station_readings");
        QTest::newRow("fintech") << QStringLiteral("fintech_sales.csv") << QStringLiteral("sales_orders");
        QTest::newRow("ct template") << QStringLiteral("ct_analysis_template.xlsx") << QStringLiteral("station_analysis");
        QTest::newRow("tus template") << QStringLiteral("tus_analysis_template.xlsx") << QStringLiteral("station_analysis");
    }

    void usersFilesAreHigh()
    {
        QFETCH(QString, file);
        QFETCH(QString, type);
        auto r = detectFile(seedPath(file), {}, m_rules);
        QVERIFY(r.ok());
        QCOMPARE(r->type, type);
        QCOMPARE(r->level, Level::High);
        QVERIFY(!r->ambiguous);
        QVERIFY(!r->reasons.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDetectCorpus)
#include "tst_detect_corpus.moc"
