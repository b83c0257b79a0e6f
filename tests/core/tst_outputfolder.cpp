// Output folders hold one complete run or none: staging and the swap, the lock, refusing links
// and folders holding other files, recovering from an interrupted swap, removing leftovers.
#include "outputs/atomicfile.h"
#include "outputs/outputfolder.h"

#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::outputs;
using finpipe::test::readAll;
using finpipe::test::writeFixture;

namespace {

//! A manifest that lists `names` as the run's outputs.
QByteArray manifestListing(const QStringList &names, const char *status = "succeeded")
{
    QByteArray json = "{\"status\": \"" + QByteArray(status) + "\", \"outputs\": [";
    for (qsizetype i = 0; i < names.size(); ++i)
        json += (i ? ", " : "") + QByteArray("{\"name\": \"") + names[i].toUtf8() + "\"}";
    return json + "]}";
}

//! A folder holding an earlier finpipe run with `files` (name -> content).
void writeRun(const QString &dir, const QMap<QString, QByteArray> &files, const char *status = "succeeded")
{
    QDir().mkpath(dir);
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        writeFixture(QDir(dir).filePath(it.key()), it.value());
    writeFixture(QDir(dir).filePath(QStringLiteral("manifest.json")), manifestListing(files.keys(), status));
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

QString errorOf(const Result<std::unique_ptr<OutputFolder>> &r)
{
    return r.ok() ? QString() : r.error().message;
}

} // namespace

class TestOutputFolder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newFolderAppearsWholeOnCommit()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("results"));
        auto folder = OutputFolder::open(out);
        QVERIFY2(folder.ok(), qPrintable(errorOf(folder)));
        QVERIFY(!QFileInfo::exists(out)); // nothing there until the run is complete
        QVERIFY((*folder)->stagingPath().startsWith(root.filePath(QStringLiteral(".results.staging-"))));
        QVERIFY(writeFileAtomically((*folder)->stagingFile(QStringLiteral("a.csv")), "a\n").ok());
        QVERIFY((*folder)->commit().ok());
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("a.csv"))), QByteArray("a\n"));
        folder->reset();
        QCOMPARE(entries(root.path()), QStringList{QStringLiteral("results")}); // no staging, no lock
    }

    void commitReplacesThePreviousSetWhole_data()
    {
        QTest::addColumn<bool>("exchange");
        QTest::newRow("renameat2 exchange") << true;
        QTest::newRow("portable swap") << false;
    }
    void commitReplacesThePreviousSetWhole()
    {
        QFETCH(bool, exchange);
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("results"));
        writeRun(out, {{QStringLiteral("a.csv"), "old a"}, {QStringLiteral("b.csv"), "old b"}});
        auto folder = OutputFolder::open(out);
        QVERIFY2(folder.ok(), qPrintable(errorOf(folder)));
        QCOMPARE((*folder)->previousStatus(), QStringLiteral("succeeded"));
        (*folder)->setAtomicExchange(exchange);
        writeFixture((*folder)->stagingFile(QStringLiteral("a.csv")), "new a");
        // Until the commit, the previous set is whole.
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("a.csv"))), QByteArray("old a"));
        QVERIFY((*folder)->commit().ok());
        QCOMPARE(entries(out), QStringList{QStringLiteral("a.csv")}); // b.csv went with the old set
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("a.csv"))), QByteArray("new a"));
        folder->reset();
        QCOMPARE(entries(root.path()), QStringList{QStringLiteral("results")});
    }

    void discardKeepsThePreviousSet()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("results"));
        writeRun(out, {{QStringLiteral("a.csv"), "old a"}});
        {
            auto folder = OutputFolder::open(out);
            QVERIFY(folder.ok());
            writeFixture((*folder)->stagingFile(QStringLiteral("a.csv")), "new a");
        } // destroyed without commit: a failed or killed run
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("a.csv"))), QByteArray("old a"));
        QCOMPARE(entries(root.path()), QStringList{QStringLiteral("results")});
    }

    void otherPeoplesFilesAreRefusedNotWiped()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("mine"));
        QDir().mkpath(out);
        writeFixture(QDir(out).filePath(QStringLiteral("thesis.docx")), "precious");
        auto folder = OutputFolder::open(out);
        QVERIFY(!folder.ok());
        QCOMPARE(folder.error().code, Error::Code::Usage);
        QVERIFY2(folder.error().message.contains(u"thesis.docx"), qPrintable(folder.error().message));
        QVERIFY(folder.error().message.contains(u"new or empty folder"));
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("thesis.docx"))), QByteArray("precious"));

        // A finpipe run plus a file its manifest does not list: refused too.
        const QString run = root.filePath(QStringLiteral("run"));
        writeRun(run, {{QStringLiteral("a.csv"), "a"}});
        writeFixture(QDir(run).filePath(QStringLiteral("notes.txt")), "mine");
        folder = OutputFolder::open(run);
        QVERIFY(!folder.ok());
        QVERIFY2(folder.error().message.contains(u"notes.txt"), qPrintable(folder.error().message));
        QVERIFY(QFile::exists(QDir(run).filePath(QStringLiteral("notes.txt"))));
        QVERIFY(!entries(root.path()).join(u' ').contains(u"staging"));
    }

    void linksAreRefused()
    {
        QTemporaryDir root;
        const QString target = writeFixture(root.filePath(QStringLiteral("precious.txt")), "precious");
        // The folder itself a link to another folder.
        QDir().mkpath(root.filePath(QStringLiteral("elsewhere")));
        QVERIFY(QFile::link(root.filePath(QStringLiteral("elsewhere")), root.filePath(QStringLiteral("out"))));
        auto folder = OutputFolder::open(root.filePath(QStringLiteral("out")));
        QVERIFY(!folder.ok());
        QCOMPARE(folder.error().code, Error::Code::Usage);
        QVERIFY2(folder.error().message.contains(u"symbolic link"), qPrintable(folder.error().message));
        // A link planted inside a finpipe run.
        const QString run = root.filePath(QStringLiteral("run"));
        writeRun(run, {{QStringLiteral("a.csv"), "a"}});
        QFile::remove(QDir(run).filePath(QStringLiteral("a.csv")));
        QVERIFY(QFile::link(target, QDir(run).filePath(QStringLiteral("a.csv"))));
        folder = OutputFolder::open(run);
        QVERIFY(!folder.ok());
        QVERIFY2(folder.error().message.contains(u"\"a.csv\""), qPrintable(folder.error().message));
        QVERIFY(folder.error().message.contains(u"symbolic link"));
        QCOMPARE(readAll(target), QByteArray("precious"));
    }

    void aFileIsNotAFolder()
    {
        QTemporaryDir root;
        const QString file = writeFixture(root.filePath(QStringLiteral("report.csv")), "x");
        auto folder = OutputFolder::open(file);
        QVERIFY(!folder.ok());
        QCOMPARE(folder.error().code, Error::Code::Usage);
        QVERIFY(folder.error().message.contains(u"is an existing file"));
        QCOMPARE(readAll(file), QByteArray("x"));
    }

    void theCurrentFolderIsRefused()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("here"));
        QVERIFY(QDir().mkpath(QDir(out).filePath(QStringLiteral("sub"))));
        const QString before = QDir::currentPath();
        for (const QString &cwd : {out, QDir(out).filePath(QStringLiteral("sub"))}) {
            QVERIFY(QDir::setCurrent(cwd));
            auto folder = OutputFolder::open(out);
            QDir::setCurrent(before);
            QVERIFY(!folder.ok());
            QCOMPARE(folder.error().code, Error::Code::Usage);
            QVERIFY2(folder.error().message.contains(u"current folder"), qPrintable(folder.error().message));
        }
        QVERIFY(QFileInfo(out).isDir());
    }

    void secondWriterIsRefusedNamingTheFolder()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("results"));
        auto first = OutputFolder::open(out);
        QVERIFY(first.ok());
        auto second = OutputFolder::open(out, 100);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, Error::Code::Failed);
        QVERIFY2(second.error().message.contains(QDir::toNativeSeparators(out)), qPrintable(second.error().message));
        QVERIFY(second.error().message.contains(u"Another finpipe run"));
        first->reset();
        QVERIFY(OutputFolder::open(out, 100).ok()); // free again
    }

    void interruptedSwapIsRolledBackAndLeftoversRemoved()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("results"));
        // A crash after the old set was renamed aside and before the new one was renamed in, and
        // the staging folder of another interrupted run.
        const QString old = root.filePath(QStringLiteral(".results.old-0123456789abcdef0123456789abcdef"));
        writeRun(old, {{QStringLiteral("a.csv"), "old a"}});
        const QString staging = root.filePath(QStringLiteral(".results.staging-fedcba9876543210fedcba9876543210"));
        writeRun(staging, {{QStringLiteral("a.csv"), "half"}});
        writeFixture(QDir(staging).filePath(QStringLiteral(".results.xlsx.00112233445566778899aabbccddeeff.part")), "x");
        // Somebody else's hidden names that only look alike stay.
        const QString other = writeFixture(root.filePath(QStringLiteral(".results.staging-notes")), "keep");
        auto folder = OutputFolder::open(out);
        QVERIFY2(folder.ok(), qPrintable(errorOf(folder)));
        QCOMPARE(readAll(QDir(out).filePath(QStringLiteral("a.csv"))), QByteArray("old a"));
        QCOMPARE((*folder)->previousStatus(), QStringLiteral("succeeded"));
        QVERIFY(!QFileInfo::exists(old));
        QVERIFY(!QFileInfo::exists(staging));
        QVERIFY(QFileInfo::exists(other));
        folder->reset();
        QCOMPARE(entries(root.path()), (QStringList{QStringLiteral(".results.staging-notes"), QStringLiteral("results")}));
    }

    void leftoverPartFilesDoNotMakeAFolderForeign()
    {
        QTemporaryDir root;
        const QString out = root.filePath(QStringLiteral("results"));
        writeRun(out, {{QStringLiteral("a.csv"), "a"}}, "failed");
        writeFixture(QDir(out).filePath(QStringLiteral(".results.xlsx.00112233445566778899aabbccddeeff.part")), "x");
        auto folder = OutputFolder::open(out);
        QVERIFY2(folder.ok(), qPrintable(errorOf(folder)));
        QCOMPARE((*folder)->previousStatus(), QStringLiteral("failed"));
        QVERIFY((*folder)->commit().ok());
        QVERIFY(entries(out).isEmpty()); // the leftover went with the old set
    }
};

QTEST_GUILESS_MAIN(TestOutputFolder)
#include "tst_outputfolder.moc"
