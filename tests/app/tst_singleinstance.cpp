// One app per job store: the second start hands its files to the first and never opens the store.
#include "singleinstance.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using finpipe::app::SingleInstance;

class TestSingleInstance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aSecondStartHandsItsFilesOver()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("store/jobs.sqlite"));
        SingleInstance first(store);
        QVERIFY(first.claim());
        QSignalSpy received(&first, &SingleInstance::filesReceived);

        // The second start cannot take the store...
        SingleInstance second(store);
        QVERIFY(!second.claim());
        // ...and hands its file over (from another thread: this one answers).
        const QString file = dir.filePath(QStringLiteral("raw data.csv"));
        auto handed = QtConcurrent::run([store, file] { return SingleInstance::handOver(store, {file}); });
        QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);
        QCOMPARE(received.at(0).at(0).toStringList(), QStringList{file});
        QTRY_VERIFY_WITH_TIMEOUT(handed.isFinished(), 10000);
        QVERIFY(handed.result());
        QVERIFY(!QFileInfo::exists(store)); // nobody opened the store
    }

    void anotherStoreIsAnotherApp()
    {
        QTemporaryDir dir;
        SingleInstance a(dir.filePath(QStringLiteral("a/jobs.sqlite")));
        SingleInstance b(dir.filePath(QStringLiteral("b/jobs.sqlite")));
        QVERIFY(a.claim());
        QVERIFY(b.claim());
        QVERIFY(SingleInstance::serverName(dir.filePath(QStringLiteral("a/jobs.sqlite")))
                != SingleInstance::serverName(dir.filePath(QStringLiteral("b/jobs.sqlite"))));
    }

    void nobodyListeningIsAFailureNotAHang()
    {
        QTemporaryDir dir;
        QElapsedTimer t;
        t.start();
        QVERIFY(!SingleInstance::handOver(dir.filePath(QStringLiteral("jobs.sqlite")), {}, 500));
        QVERIFY(t.elapsed() < 3000);
    }

    void theStoreIsFreeAgainAfterTheFirstQuits()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("jobs.sqlite"));
        {
            SingleInstance first(store);
            QVERIFY(first.claim());
        }
        SingleInstance next(store);
        QVERIFY(next.claim());
    }
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
