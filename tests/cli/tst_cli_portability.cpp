// What an installed finpipe-cli and finpipe-worker say about themselves (--version), and paths as
// analysts have them on Windows and macOS: spaces and non-ASCII letters in every path taken.
#include "testutil.h"

#include "common/buildinfo.h"
#include "common/version.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;

namespace {

//! True when git is here and knows the source tree.
bool gitKnowsTheSources()
{
    QProcess git;
    git.start(QStringLiteral("git"), {QStringLiteral("-C"), QStringLiteral(FINPIPE_SOURCE_DIR), QStringLiteral("rev-parse"),
                                      QStringLiteral("HEAD")});
    return git.waitForFinished(10000) && git.exitStatus() == QProcess::NormalExit && git.exitCode() == 0;
}

//! True when `commit` names a commit of this repository.
bool isCommitOfTheSources(const QString &commit)
{
    QProcess git;
    git.start(QStringLiteral("git"), {QStringLiteral("-C"), QStringLiteral(FINPIPE_SOURCE_DIR), QStringLiteral("cat-file"),
                                      QStringLiteral("-e"), commit + QStringLiteral("^{commit}")});
    return git.waitForFinished(10000) && git.exitStatus() == QProcess::NormalExit && git.exitCode() == 0;
}

void checkVersionText(const QByteArray &out, const QString &program)
{
    const QStringList lines = QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0), QStringLiteral("%1 (finpipe) %2").arg(program, QLatin1String(kVersion)));
    static const QRegularExpression commitLine(QStringLiteral("^commit ([0-9a-f]{12})(-dirty)?$"));
    const QRegularExpressionMatch m = commitLine.match(lines.at(1));
    if (gitKnowsTheSources()) {
        // The commit read when the program was built (not necessarily today's HEAD: a build may
        // be older than the last commit), and a real one of this repository.
        QVERIFY2(m.hasMatch(), qPrintable(lines.at(1)));
        QVERIFY2(isCommitOfTheSources(m.captured(1)), qPrintable(lines.at(1)));
    } else {
        QCOMPARE(lines.at(1), QStringLiteral("commit unknown"));
    }
    QVERIFY2(lines.at(2).startsWith(QStringLiteral("Qt ") + QLatin1String(qVersion())), qPrintable(lines.at(2)));
}

test::CliRun run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(120000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

bool copyFile(const QString &from, const QString &to)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    return QFile::copy(from, to);
}

} // namespace

class TestCliPortability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cliVersionNamesReleaseCommitAndQt()
    {
        for (const QString &flag : {QStringLiteral("--version"), QStringLiteral("-v")}) {
            const auto r = test::runCli({flag});
            QCOMPARE(r.exitCode, 0);
            checkVersionText(r.out, QStringLiteral("finpipe-cli"));
            // The program and this test were built together: the same facts as versionText().
            QCOMPARE(QString::fromUtf8(r.out), versionText(QStringLiteral("finpipe-cli")));
        }
    }

    void workerVersionNamesReleaseCommitAndQt()
    {
        const auto r = run(QStringLiteral(FINPIPE_WORKER_PATH), {QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        checkVersionText(r.out, QStringLiteral("finpipe-worker"));
        QVERIFY(r.err.isEmpty()); // no settings needed to say its version
    }

    void pathsWithSpacesAndNonAsciiLetters()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        // C:\Users\Zoë Müller\Documents\Q3 sales.xlsx, as a path here.
        const QString home = tmp.filePath(QStringLiteral("Zoë Müller/Documents"));
        const QString input = home + QStringLiteral("/Q3 sales.xlsx");
        const QString ct = home + QStringLiteral("/Vorlagen (2024)/CT Vorlage – März.xlsx");
        const QString tus = home + QStringLiteral("/Vorlagen (2024)/TUS Vorlage – März.xlsx");
        QVERIFY(copyFile(test::seedPath(QStringLiteral("raw_data.xlsx")), input));
        QVERIFY(copyFile(test::seedPath(QStringLiteral("ct_analysis_template.xlsx")), ct));
        QVERIFY(copyFile(test::seedPath(QStringLiteral("tus_analysis_template.xlsx")), tus));
        const QString out = home + QStringLiteral("/Q3 Ergebnisse für Zoë");

        // hash, inspect and detect read it...
        auto r = test::runCli({QStringLiteral("hash"), input});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out),
                 test::sha256Of(test::readAll(input)) + QStringLiteral("  ") + input + u'\n');
        r = test::runCli({QStringLiteral("inspect"), input, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = test::runCli({QStringLiteral("detect"), input});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("station_readings"));

        // ...analyze writes every output into such a folder, with templates from such paths...
        r = test::runCli({QStringLiteral("analyze"), input, QStringLiteral("--template"), ct, QStringLiteral("--template"),
                          tus, QStringLiteral("--out"), out, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject manifest = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(manifest.value(u"status").toString(), QStringLiteral("succeeded"));
        QCOMPARE(manifest.value(u"input").toObject().value(u"name").toString(), QStringLiteral("Q3 sales.xlsx"));
        const QJsonArray outputs = manifest.value(u"outputs").toArray();
        QVERIFY(outputs.size() >= 6);
        for (const QJsonValue &o : outputs) {
            const QString name = o.toObject().value(u"name").toString();
            QVERIFY2(QFile::exists(QDir(out).filePath(name)), qPrintable(name));
        }
        QVERIFY(QFile::exists(out + QStringLiteral("/dashboard.html")));
        // ...and verify reads it back.
        r = test::runCli({QStringLiteral("verify"), out});
        QVERIFY2(r.exitCode == 0, r.out.constData());

        // The same analysis at a plain path gives the same tables, byte for byte.
        QTemporaryDir plain;
        QVERIFY(copyFile(input, plain.filePath(QStringLiteral("in.xlsx"))));
        r = test::runCli({QStringLiteral("analyze"), plain.filePath(QStringLiteral("in.xlsx")), QStringLiteral("--template"),
                          ct, QStringLiteral("--template"), tus, QStringLiteral("--out"),
                          plain.filePath(QStringLiteral("out")), QStringLiteral("--quiet")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *table : {"CT_Analysis.csv", "TUS_Analysis.csv"}) {
            const QByteArray here = test::readAll(QDir(out).filePath(QLatin1String(table)));
            QVERIFY2(!here.isEmpty(), table);
            QCOMPARE(here, test::readAll(QDir(plain.filePath(QStringLiteral("out"))).filePath(QLatin1String(table))));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliPortability)
#include "tst_cli_portability.moc"
