// The pipeline end to end: detection, analysis, every output, the manifest, determinism,
// overrides, failures that keep what was written (but never over a succeeded run), re-runs that
// replace the whole folder, cancellation and uncertain detection.
#include "common/version.h"
#include "jobs/pipeline.h"

#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <sys/resource.h>

using namespace finpipe;
using finpipe::test::readAll;
using finpipe::test::sha256Of;

namespace {

QString sample()
{
    return QStringLiteral(FINPIPE_SOURCE_DIR "/samples/station_readings.csv");
}

//! The sample's first 30 lines: small outputs, but dashboard.html over 64 KB as always.
QString smallSample(const QString &dir)
{
    const QList<QByteArray> lines = readAll(sample()).split('\n');
    return test::writeFixture(QDir(dir).filePath(QStringLiteral("in.csv")), lines.mid(0, 30).join('\n') + '\n');
}

//! Lets this process write files of at most `bytes` while it lives (EFBIG beyond, like a full disk).
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        ::getrlimit(RLIMIT_FSIZE, &m_old);
        rlimit limit = m_old;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = nullptr;
};

QString errorText(const Result<jobs::Manifest> &r)
{
    return r.ok() ? QString() : r.error().toString();
}

} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detectsAnalysesAndWritesEveryOutput()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = sample();
        spec.outputDir = out.path();
        Feedback feedback;
        auto r = jobs::runJob(spec, &feedback);
        QVERIFY2(r.ok(), qPrintable(errorText(r)));
        const jobs::Manifest &m = *r;

        const QByteArray input = readAll(sample());
        QCOMPARE(m.inputName, QStringLiteral("station_readings.csv"));
        QCOMPARE(m.inputSize, input.size());
        QCOMPARE(m.inputSha256, sha256Of(input));
        QCOMPARE(m.datasetType, QStringLiteral("station_readings"));
        QCOMPARE(m.level, QStringLiteral("high"));
        QVERIFY(m.confidence >= 0.9);
        QCOMPARE(m.mapping.value(QStringLiteral("station")), QStringLiteral("Station_ID"));
        QCOMPARE(m.mapping.value(QStringLiteral("value")), QStringLiteral("Result"));
        QVERIFY(!m.overridden);
        QCOMPARE(m.analysisId, QStringLiteral("station_pivot"));
        QCOMPARE(m.status, QStringLiteral("succeeded"));
        QCOMPARE(m.finpipeVersion, QString::fromLatin1(kVersion));
        QVERIFY(!m.rulesVersion.isEmpty());
        QVERIFY(m.started.isValid() && m.finished >= m.started);
        QCOMPARE(m.rowsRead, 1440);
        QCOMPARE(m.rowsRead, m.rowsUsed + m.rowsSkipped);
        QCOMPARE(feedback.rows(), 1440);

        // Every output is listed with its real size and hash.
        QStringList names;
        for (const jobs::OutputFile &o : m.outputs) {
            names << o.name;
            const QByteArray bytes = readAll(QDir(out.path()).filePath(o.name));
            QCOMPARE(o.size, bytes.size());
            QCOMPARE(o.sha256, sha256Of(bytes));
        }
        for (const char *expected : {"audit_lineage.csv", "CT_Analysis.csv", "TUS_Analysis.csv", "data_quality.csv",
                                     "results.xlsx", "dashboard.html"})
            QVERIFY2(names.contains(QLatin1String(expected)), expected);
        // audit_lineage.csv: one row per input row plus the header.
        QCOMPARE(readAll(QDir(out.path()).filePath(QStringLiteral("audit_lineage.csv"))).count('\n'), 1441);

        // manifest.json holds the same facts.
        const QJsonObject json = QJsonDocument::fromJson(readAll(QDir(out.path()).filePath(QStringLiteral("manifest.json")))).object();
        QCOMPARE(json.value(u"input").toObject().value(u"sha256").toString(), m.inputSha256);
        QCOMPARE(json.value(u"input").toObject().value(u"size").toInteger(), m.inputSize);
        QCOMPARE(json.value(u"dataset").toObject().value(u"type").toString(), QStringLiteral("station_readings"));
        QCOMPARE(json.value(u"dataset").toObject().value(u"level").toString(), QStringLiteral("high"));
        QCOMPARE(json.value(u"dataset").toObject().value(u"overridden").toBool(true), false);
        QCOMPARE(json.value(u"dataset").toObject().value(u"mapping").toObject().value(u"parameter").toString(),
                 QStringLiteral("PCode"));
        QCOMPARE(json.value(u"parameters").toObject().value(u"aggregation").toString(), QStringLiteral("mean"));
        QCOMPARE(json.value(u"parameters").toObject().value(u"blank_rate_alert").toDouble(), 0.2);
        QCOMPARE(json.value(u"finpipe_version").toString(), QString::fromLatin1(kVersion));
        QCOMPARE(json.value(u"rules_version").toString(), m.rulesVersion);
        QVERIFY(json.value(u"started").toString().endsWith(u'Z'));
        QVERIFY(json.value(u"finished").toString().endsWith(u'Z'));
        QCOMPARE(json.value(u"outputs").toArray().size(), m.outputs.size());
        const QJsonObject first = json.value(u"outputs").toArray().first().toObject();
        QCOMPARE(first.value(u"sha256").toString(), m.outputs.first().sha256);
        QCOMPARE(first.value(u"size").toInteger(), m.outputs.first().size);
    }

    void pivotOnlyChoicesAreNotClaimedForOtherAnalyses()
    {
        // A sales file analysed with station-pivot choices: the run says they were not used, and
        // the dashboard does not list them as this analysis's parameters.
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = test::seedPath(QStringLiteral("fintech_sales.csv"));
        spec.outputDir = out.path();
        spec.params.aggregation = analysis::Aggregation::Median;
        spec.params.onlyValidated = true;
        auto r = jobs::runJob(spec, nullptr);
        QVERIFY2(r.ok(), qPrintable(errorText(r)));
        QCOMPARE(r->analysisId, QStringLiteral("sales_summary"));
        bool warned = false;
        for (const QString &w : r->warnings)
            warned = warned || (w.startsWith(u"The aggregation (median)") && w.contains(u"only validated")
                                && w.contains(u"sales summary"));
        QVERIFY2(warned, qPrintable(r->warnings.join(u'\n')));
        const QByteArray html = readAll(QDir(out.path()).filePath(QStringLiteral("dashboard.html")));
        QVERIFY(!html.contains("id=\"parameters\""));
        // The station pivot lists its parameters and has nothing to warn about.
        QTemporaryDir pivotOut;
        spec.inputPath = sample();
        spec.outputDir = pivotOut.path();
        r = jobs::runJob(spec, nullptr);
        QVERIFY2(r.ok(), qPrintable(errorText(r)));
        for (const QString &w : r->warnings)
            QVERIFY2(!w.contains(u"only apply to station readings"), qPrintable(w));
        QVERIFY(readAll(QDir(pivotOut.path()).filePath(QStringLiteral("dashboard.html"))).contains("id=\"parameters\""));
    }

    void dataFilesAreByteIdenticalAcrossRuns()
    {
        QTemporaryDir a, b;
        jobs::JobSpec spec;
        spec.inputPath = sample();
        spec.writeXlsx = false;
        spec.writeDashboard = false;
        spec.params.aggregation = analysis::Aggregation::Median;
        spec.outputDir = a.path();
        auto ra = jobs::runJob(spec);
        spec.outputDir = b.path();
        auto rb = jobs::runJob(spec);
        QVERIFY(ra.ok() && rb.ok());
        QCOMPARE(ra->outputs.size(), rb->outputs.size());
        for (int i = 0; i < ra->outputs.size(); ++i) {
            QCOMPARE(ra->outputs[i].name, rb->outputs[i].name);
            QCOMPARE(ra->outputs[i].sha256, rb->outputs[i].sha256);
            QVERIFY(ra->outputs[i].name.endsWith(u".csv"));
        }
        // ...and a different aggregation gives different tables.
        QTemporaryDir c;
        spec.outputDir = c.path();
        spec.params.aggregation = analysis::Aggregation::Count;
        auto rc = jobs::runJob(spec);
        QVERIFY(rc.ok());
        QVERIFY(readAll(QDir(c.path()).filePath(QStringLiteral("CT_Analysis.csv")))
                != readAll(QDir(a.path()).filePath(QStringLiteral("CT_Analysis.csv"))));
        QCOMPARE(readAll(QDir(c.path()).filePath(QStringLiteral("audit_lineage.csv"))),
                 readAll(QDir(a.path()).filePath(QStringLiteral("audit_lineage.csv"))));
    }

    void analystMappingIsRecordedAsOverride()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = sample();
        spec.outputDir = out.path();
        spec.writeXlsx = spec.writeDashboard = false;
        detect::OverrideChoice choice;
        choice.datasetType = QStringLiteral("station_readings");
        spec.choice = choice;
        auto same = jobs::runJob(spec);
        QVERIFY2(same.ok(), qPrintable(errorText(same)));
        QVERIFY(!same->overridden); // the analyst confirmed what detection found

        detect::ColumnMapping mapping;
        mapping.datasetType = QStringLiteral("station_readings");
        mapping.roles = {{QStringLiteral("station"), QStringLiteral("PCode")},
                         {QStringLiteral("timestamp"), QStringLiteral("Date_Time")},
                         {QStringLiteral("parameter"), QStringLiteral("Station_ID")},
                         {QStringLiteral("value"), QStringLiteral("Result")}};
        spec.choice.reset();
        spec.mapping = mapping;
        auto swapped = jobs::runJob(spec);
        QVERIFY2(swapped.ok(), qPrintable(errorText(swapped)));
        QVERIFY(swapped->overridden);
        QCOMPARE(swapped->mapping.value(QStringLiteral("station")), QStringLiteral("PCode"));
        // Stations are now the parameter codes: one table per code.
        QVERIFY(QFile::exists(QDir(out.path()).filePath(QStringLiteral("Data_1_Analysis.csv"))));
    }

    void invalidMappingIsRefused()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = sample();
        spec.outputDir = out.path();
        detect::ColumnMapping mapping;
        mapping.datasetType = QStringLiteral("station_readings");
        mapping.roles = {{QStringLiteral("station"), QStringLiteral("No such column")}};
        spec.mapping = mapping;
        auto r = jobs::runJob(spec);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(u"No such column") || r.error().message.contains(u"timestamp"));
    }

    void failureKeepsAndListsWrittenOutputs()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = smallSample(out.path());
        spec.outputDir = out.filePath(QStringLiteral("results"));
        jobs::Manifest partial;
        Result<jobs::Manifest> r = Error::make(Error::Code::Internal, QString());
        {
            FileSizeLimit limit(64 * 1024); // dashboard.html, written last, is larger
            r = jobs::runJob(spec, nullptr, &partial);
        }
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Failed);
        QVERIFY2(r.error().message.contains(u"dashboard.html"), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(QString::fromLocal8Bit(std::strerror(EFBIG))), qPrintable(r.error().message));
        QCOMPARE(partial.status, QStringLiteral("failed"));
        QStringList names;
        for (const auto &o : partial.outputs) {
            names << o.name;
            QCOMPARE(o.path, QDir(spec.outputDir).filePath(o.name)); // where they are now, not the staging
            QVERIFY(QFile::exists(o.path));
        }
        QVERIFY(names.contains(QStringLiteral("CT_Analysis.csv")));
        QVERIFY(names.contains(QStringLiteral("audit_lineage.csv")));
        QVERIFY(names.contains(QStringLiteral("results.xlsx")));
        QVERIFY(!names.contains(QStringLiteral("dashboard.html")));
        const QJsonObject json = QJsonDocument::fromJson(readAll(QDir(spec.outputDir).filePath(QStringLiteral("manifest.json")))).object();
        QCOMPARE(json.value(u"status").toString(), QStringLiteral("failed"));
        QVERIFY(json.value(u"error").toString().contains(u"dashboard.html"));
        QCOMPARE(json.value(u"outputs").toArray().size(), partial.outputs.size());
        // Exactly what the manifest lists: no half-written files or temporaries, no staging.
        QStringList files = QDir(spec.outputDir).entryList(QDir::Files | QDir::Hidden);
        files.removeOne(QStringLiteral("manifest.json"));
        files.sort();
        names.sort();
        QCOMPARE(files, names);
        QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral("in.csv"), QStringLiteral("results")}));
    }

    void failedRerunKeepsTheSucceededResults()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = smallSample(out.path());
        spec.outputDir = out.filePath(QStringLiteral("results"));
        QVERIFY(jobs::runJob(spec).ok());
        const QByteArray manifest = readAll(QDir(spec.outputDir).filePath(QStringLiteral("manifest.json")));
        const QStringList before = QDir(spec.outputDir).entryList(QDir::Files | QDir::Hidden);
        jobs::Manifest partial;
        Result<jobs::Manifest> r = Error::make(Error::Code::Internal, QString());
        {
            FileSizeLimit limit(64 * 1024);
            r = jobs::runJob(spec, nullptr, &partial);
        }
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(u"left as they were"), qPrintable(r.error().message));
        QVERIFY(partial.outputs.isEmpty());
        QCOMPARE(readAll(QDir(spec.outputDir).filePath(QStringLiteral("manifest.json"))), manifest);
        QCOMPARE(QDir(spec.outputDir).entryList(QDir::Files | QDir::Hidden), before);
        QCOMPARE(QDir(out.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 (QStringList{QStringLiteral("in.csv"), QStringLiteral("results")}));
    }

    void rerunWithFewerOutputsLeavesNoStaleFiles()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = smallSample(out.path());
        spec.outputDir = out.filePath(QStringLiteral("results"));
        QVERIFY(jobs::runJob(spec).ok());
        QVERIFY(QFile::exists(QDir(spec.outputDir).filePath(QStringLiteral("dashboard.html"))));
        spec.writeXlsx = spec.writeDashboard = false;
        auto r = jobs::runJob(spec);
        QVERIFY(r.ok());
        QStringList listed{QStringLiteral("manifest.json")};
        for (const auto &o : r->outputs)
            listed << o.name;
        listed.sort();
        QStringList files = QDir(spec.outputDir).entryList(QDir::Files | QDir::Hidden);
        files.sort();
        QCOMPARE(files, listed);
        QVERIFY(!listed.contains(QStringLiteral("results.xlsx")));
    }

    void cancelledJobWritesNoData()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = sample();
        spec.outputDir = out.path();
        Feedback feedback;
        feedback.cancel();
        jobs::Manifest partial;
        auto r = jobs::runJob(spec, &feedback, &partial);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QCOMPARE(partial.status, QStringLiteral("cancelled"));
        QVERIFY(partial.outputs.isEmpty());
        QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("manifest.json")});
    }

    void missingInputIsUnreadable()
    {
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = QDir(out.path()).filePath(QStringLiteral("nope.csv"));
        spec.outputDir = QDir(out.path()).filePath(QStringLiteral("results"));
        auto r = jobs::runJob(spec);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::NotFound);
        QVERIFY(r.error().message.contains(u"nope.csv"));
    }

    void uncertainDetectionStops()
    {
        // Settings that make every verdict at most "low".
        QTemporaryDir rules;
        {
            QFile f(QDir(rules.path()).filePath(QStringLiteral("settings.json")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"levels": {"high": 1.0, "medium": 1.0, "low": 0.10}})");
        }
        qputenv("FINPIPE_RULES_DIR", QFile::encodeName(rules.path()));
        QTemporaryDir out;
        jobs::JobSpec spec;
        spec.inputPath = test::seedPath(QStringLiteral("raw_data.xlsx")); // confidence just under 1
        spec.outputDir = out.path();
        spec.writeXlsx = spec.writeDashboard = false;
        jobs::Manifest partial;
        auto r = jobs::runJob(spec, nullptr, &partial);
        qunsetenv("FINPIPE_RULES_DIR");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Uncertain);
        QVERIFY(r.error().message.contains(u"raw_data.xlsx"));
        QVERIFY(r.error().message.contains(u"--type"));
        QVERIFY(!partial.guesses.isEmpty());
        QCOMPARE(partial.guesses.first().datasetType, QStringLiteral("station_readings"));
        QCOMPARE(partial.guesses.first().mapping.value(QStringLiteral("station")), QStringLiteral("Station_ID"));
        QCOMPARE(partial.level, QStringLiteral("low"));
        // The analyst's type settles it.
        qputenv("FINPIPE_RULES_DIR", QFile::encodeName(rules.path()));
        detect::OverrideChoice choice;
        choice.datasetType = QStringLiteral("station_readings");
        spec.choice = choice;
        auto chosen = jobs::runJob(spec);
        qunsetenv("FINPIPE_RULES_DIR");
        QVERIFY2(chosen.ok(), qPrintable(errorText(chosen)));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
