#include "ingest/sha256.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace finpipe;
using namespace finpipe::ingest;

class TestSha256 : public QObject
{
    Q_OBJECT

private:
    static QString sha256sum(const QString &path)
    {
        QProcess p;
        p.start(QStringLiteral("sha256sum"), {path});
        p.waitForFinished(120000);
        return QString::fromLatin1(p.readAllStandardOutput().left(64));
    }

    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(content);
        return path;
    }

private Q_SLOTS:
    void knownVectors()
    {
        Sha256 h;
        QCOMPARE(h.finishHex(),
                 QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        h.update(std::string_view("abc"));
        QCOMPARE(h.finishHex(),
                 QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        char hex[64];
        Sha256::hex("abc", 3, hex);
        QCOMPARE(QString::fromLatin1(hex, 64),
                 QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void agreesWithSha256sum_data()
    {
        QTest::addColumn<qint64>("size");
        QTest::newRow("empty") << qint64(0);
        QTest::newRow("small") << qint64(1000);
        QTest::newRow("buffer boundary") << qint64(1 << 20);
        QTest::newRow("300 MB") << qint64(300) * 1000 * 1000;
    }

    void agreesWithSha256sum()
    {
        QFETCH(qint64, size);
        const QString path = m_dir.filePath(QStringLiteral("f%1.bin").arg(size));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray chunk(1 << 20, Qt::Uninitialized);
            for (int i = 0; i < chunk.size(); ++i)
                chunk[i] = char((i * 131 + i / 7) & 0xff);
            qint64 left = size;
            while (left > 0) {
                const qint64 n = qMin(left, qint64(chunk.size()));
                f.write(chunk.constData(), n);
                chunk[0] = char(chunk[0] + 1); // vary the chunks
                left -= n;
            }
        }
        Feedback fb;
        auto digest = sha256File(path, &fb);
        QVERIFY2(digest.ok(), qPrintable(digest.ok() ? QString() : digest.error().toString()));
        QCOMPARE(*digest, sha256sum(path));
        QCOMPARE(fb.done(), size);
        QFile::remove(path);
    }

    void missingFileIsAClearError()
    {
        auto digest = sha256File(m_dir.filePath(QStringLiteral("nope.csv")));
        QVERIFY(!digest.ok());
        QCOMPARE(digest.error().code, Error::Code::NotFound);
        QVERIFY(digest.error().message.contains(u"nope.csv"));
        QVERIFY(digest.error().message.contains(u"does not exist"));
    }

    void folderIsAClearError()
    {
        auto digest = sha256File(m_dir.path());
        QVERIFY(!digest.ok());
        QVERIFY(digest.error().message.contains(u"folder"));
    }

    void unreadableFileIsAClearError()
    {
        if (::geteuid() == 0)
            QSKIP("root can read any file; permission errors cannot be provoked");
        const QString path = writeFile(QStringLiteral("secret.csv"), "a,b\n1,2\n");
        QFile::setPermissions(path, QFileDevice::Permissions{});
        auto digest = sha256File(path);
        QVERIFY(!digest.ok());
        QCOMPARE(digest.error().code, Error::Code::Permission);
        QVERIFY(digest.error().message.contains(u"permission"));
    }

    void cancellationStopsHashing()
    {
        const QString path = writeFile(QStringLiteral("c.bin"), QByteArray(4 << 20, 'x'));
        Feedback fb;
        fb.cancel();
        auto digest = sha256File(path, &fb);
        QVERIFY(!digest.ok());
        QCOMPARE(digest.error().code, Error::Code::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestSha256)
#include "tst_sha256.moc"
