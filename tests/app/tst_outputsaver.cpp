#include "outputsaver.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;

class TestOutputSaver : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        return test::writeFixture(m_dir.filePath(name), bytes);
    }
    static QByteArray read(const QString &p)
    {
        QFile f(p);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void copiesTheExactBytes()
    {
        QByteArray bytes(3 * 1024 * 1024 + 17, Qt::Uninitialized);
        for (int i = 0; i < bytes.size(); ++i)
            bytes[i] = char((i * 31) ^ (i >> 9));
        const QString src = write(QStringLiteral("src.bin"), bytes);
        const QString dst = m_dir.filePath(QStringLiteral("dst.bin"));
        Feedback fb;
        QVERIFY(app::copyAtomically(src, dst, &fb).ok());
        QCOMPARE(read(dst), bytes);
        QCOMPARE(fb.done(), qint64(bytes.size()));
    }

    void replacesWhenTheCallerSaysSo()
    {
        const QString src = write(QStringLiteral("a.csv"), "new\n");
        const QString dst = write(QStringLiteral("b.csv"), "old old old\n");
        QVERIFY(app::copyAtomically(src, dst).ok());
        QCOMPARE(read(dst), QByteArray("new\n"));
    }

    void aMissingSourceIsAClearErrorAndLeavesTheTarget()
    {
        const QString dst = write(QStringLiteral("keep.csv"), "keep\n");
        auto r = app::copyAtomically(m_dir.filePath(QStringLiteral("gone.csv")), dst);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(u"gone.csv"));
        QCOMPARE(read(dst), QByteArray("keep\n"));
    }

    void refusesToCopyAFileOntoItself()
    {
        const QString src = write(QStringLiteral("self.csv"), "x\n");
        auto r = app::copyAtomically(src, src);
        QVERIFY(!r.ok());
        QCOMPARE(read(src), QByteArray("x\n"));
    }

    void cancellingLeavesNoHalfFile()
    {
        const QString src = write(QStringLiteral("big.bin"), QByteArray(4 << 20, 'z'));
        const QString dst = m_dir.filePath(QStringLiteral("never.bin"));
        Feedback fb;
        fb.cancel();
        auto r = app::copyAtomically(src, dst, &fb);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QVERIFY(!QFile::exists(dst));
        // No temporary file left beside it either.
        const QStringList left = QDir(m_dir.path()).entryList({QStringLiteral("never.bin*")}, QDir::Files | QDir::Hidden);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u',')));
    }

    void anUnwritableTargetIsAClearError()
    {
        const QString src = write(QStringLiteral("s.csv"), "x\n");
        auto r = app::copyAtomically(src, m_dir.filePath(QStringLiteral("no/such/folder/t.csv")));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(u"t.csv"));
    }
};

QTEST_GUILESS_MAIN(TestOutputSaver)
#include "tst_outputsaver.moc"
