// cloud::s3::Client against the real S3 API of the test servers (OpenStack Swift's s3api, which
// checks SigV4 signatures for real: a wrong secret or region is refused by the server).
#include "cloudtestenv.h"
#include "testutil.h"

#include "cloud/s3/client.h"
#include "cloud/s3/settings.h"

#include <QDir>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>
#include <QScopeGuard>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace finpipe;
using namespace finpipe::cloud;

namespace {

QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(b.data()), n / 4);
    return b;
}

QString unique(const QString &prefix)
{
    return prefix + QString::number(QRandomGenerator::global()->generate64(), 16);
}

//! A minimal HTTP forward proxy to 127.0.0.1:<port>: each request's absolute-form line becomes
//! origin-form, the Host header stays, one request per connection.
class LoopbackProxy : public QTcpServer
{
public:
    explicit LoopbackProxy(quint16 target) : m_target(target) {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *client = new QTcpSocket(this);
        client->setSocketDescriptor(descriptor);
        auto *upstream = new QTcpSocket(this);
        auto head = std::make_shared<QByteArray>();
        auto forwarding = std::make_shared<bool>(false);
        connect(client, &QTcpSocket::readyRead, this, [=, this] {
            if (*forwarding) {
                upstream->write(client->readAll());
                return;
            }
            *head += client->readAll();
            const qsizetype end = head->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            QList<QByteArray> lines = head->left(end).split('\n');
            const QByteArray rest = head->mid(end + 4);
            QList<QByteArray> first = lines.first().trimmed().split(' ');
            const QUrl url = QUrl::fromEncoded(first.value(1));
            first[1] = url.path(QUrl::FullyEncoded).toLatin1() + (url.hasQuery() ? '?' + url.query(QUrl::FullyEncoded).toLatin1() : QByteArray());
            QByteArray rewritten = first.join(' ') + "\r\n";
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                if (!line.toLower().startsWith("proxy-connection:") && !line.toLower().startsWith("connection:"))
                    rewritten += line + "\r\n";
            }
            rewritten += "Connection: close\r\n\r\n" + rest;
            *forwarding = true;
            upstream->connectToHost(QHostAddress::LocalHost, m_target);
            upstream->write(rewritten);
        });
        connect(upstream, &QTcpSocket::readyRead, this, [=] { client->write(upstream->readAll()); });
        connect(upstream, &QTcpSocket::disconnected, this, [=] { client->disconnectFromHost(); });
        connect(client, &QTcpSocket::disconnected, this, [=] { upstream->disconnectFromHost(); });
    }

private:
    quint16 m_target;
};

} // namespace

class TestS3Client : public QObject
{
    Q_OBJECT

    s3::Settings m_settings;

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = test::loadCloudEnvironment();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        auto s = s3::Settings::fromEnvironment();
        QVERIFY2(s, qPrintable(s ? QString() : s.error().toString()));
        m_settings = *s;
        QVERIFY(m_settings.accessKey.contains(u':')); // tempauth's account:user, encoded in the credential
    }

    void missingSettingIsNamed()
    {
        const QByteArray saved = qgetenv("FINPIPE_S3_BUCKET");
        qunsetenv("FINPIPE_S3_BUCKET");
        auto s = s3::Settings::fromEnvironment();
        qputenv("FINPIPE_S3_BUCKET", saved);
        QVERIFY(!s);
        QCOMPARE(s.error().message, QStringLiteral("FINPIPE_S3_BUCKET is not set"));
    }

    void putHeadGetDelete()
    {
        s3::Client client(m_settings);
        const QString key = unique(QStringLiteral("tests/s3/object-"));
        const QByteArray bytes = randomBytes(100000);
        auto put = test::wait(client.put(key, bytes));
        QVERIFY2(put, qPrintable(put ? QString() : put.error().toString()));
        auto head = test::wait(client.head(key));
        QVERIFY2(head, qPrintable(head ? QString() : head.error().toString()));
        QCOMPARE(head->size, qint64(bytes.size()));
        auto got = test::wait(client.get(key));
        QVERIFY(got);
        QCOMPARE(*got, bytes);
        QVERIFY(test::wait(client.del(key)));
        auto gone = test::wait(client.head(key));
        QVERIFY(!gone);
        QCOMPARE(gone.error().code, Error::Code::NotFound);
        QVERIFY(test::wait(client.del(key))); // deleting what is gone is fine
    }

    void keysThatNeedEncoding()
    {
        s3::Client client(m_settings);
        const QString key = unique(QStringLiteral("outputs/x/1/résumé 2024+Q1 (final)~")) + QStringLiteral(".csv");
        QVERIFY(test::wait(client.put(key, QByteArrayLiteral("a,b\n1,2\n"))));
        auto got = test::wait(client.get(key));
        QVERIFY2(got, qPrintable(got ? QString() : got.error().toString()));
        QCOMPARE(*got, QByteArrayLiteral("a,b\n1,2\n"));
        QVERIFY(test::wait(client.del(key)));
    }

    void emptyObject()
    {
        s3::Client client(m_settings);
        QTemporaryDir dir;
        const QString key = unique(QStringLiteral("tests/s3/empty-"));
        QVERIFY(test::wait(client.put(key, QByteArray())));
        const QString path = dir.filePath(QStringLiteral("empty"));
        QVERIFY(test::wait(client.getFile(key, path)));
        QVERIFY(QFile::exists(path));
        QCOMPARE(QFileInfo(path).size(), qint64(0));
    }

    void filesUpAndDownWithResume()
    {
        s3::Client client(m_settings);
        QTemporaryDir dir;
        const QByteArray bytes = randomBytes(3 * 1024 * 1024);
        const QString source = test::writeFixture(dir.filePath(QStringLiteral("source.bin")), bytes);
        const QString key = unique(QStringLiteral("tests/s3/file-"));
        auto put = test::wait(client.putFile(key, source));
        QVERIFY2(put, qPrintable(put ? QString() : put.error().toString()));

        const QString whole = dir.filePath(QStringLiteral("whole.bin"));
        QVERIFY(test::wait(client.getFile(key, whole)));
        QCOMPARE(test::readAll(whole), bytes);

        // A partial download is continued from where it stopped: a deliberately different first
        // half stays as it was, which only a Range request can do.
        QByteArray marked = bytes.left(bytes.size() / 2);
        marked[0] = char(marked[0] ^ 0x55);
        const QString partial = test::writeFixture(dir.filePath(QStringLiteral("partial.bin")), marked);
        QVERIFY(test::wait(client.getFile(key, partial, true)));
        const QByteArray resumed = test::readAll(partial);
        QCOMPARE(resumed.size(), bytes.size());
        QCOMPARE(resumed.mid(1), bytes.mid(1));
        QVERIFY(resumed.at(0) != bytes.at(0));
        // Without resume the file is replaced whole.
        QVERIFY(test::wait(client.getFile(key, partial, false)));
        QCOMPARE(test::readAll(partial), bytes);
        // A file already complete stays complete (416 from the server, then HEAD).
        QVERIFY(test::wait(client.getFile(key, partial, true)));
        QCOMPARE(test::readAll(partial), bytes);
        QVERIFY(test::wait(client.del(key)));
    }

    void multipartUpload()
    {
        s3::Client client(m_settings);
        QTemporaryDir dir;
        const QByteArray bytes = randomBytes(11 * 1024 * 1024 + 12345);
        const QString source = test::writeFixture(dir.filePath(QStringLiteral("big.bin")), bytes);
        const QString key = unique(QStringLiteral("tests/s3/multipart-"));
        auto put = test::wait(client.putFileMultipart(key, source, 5 * 1024 * 1024, 2));
        QVERIFY2(put, qPrintable(put ? QString() : put.error().toString()));
        auto head = test::wait(client.head(key));
        QVERIFY(head);
        QCOMPARE(head->size, qint64(bytes.size()));
        const QString back = dir.filePath(QStringLiteral("back.bin"));
        QVERIFY(test::wait(client.getFile(key, back)));
        QCOMPARE(test::readAll(back), bytes);
        QVERIFY(test::wait(client.del(key)));
    }

    void multipartRefusedIsAbortedAndLeavesNothing()
    {
        s3::Client client(m_settings);
        QTemporaryDir dir;
        const QString source = test::writeFixture(dir.filePath(QStringLiteral("small-parts.bin")), randomBytes(3 * 1024 * 1024));
        const QString key = unique(QStringLiteral("tests/s3/too-small-parts-"));
        // Parts under 5 MiB (but the last) are refused when the upload is completed.
        auto put = test::wait(client.putFileMultipart(key, source, 1024 * 1024, 3));
        QVERIFY(!put);
        auto head = test::wait(client.head(key));
        QVERIFY(!head);
        QCOMPARE(head.error().code, Error::Code::NotFound);

        s3::Settings wrong = m_settings;
        wrong.secretKey = QStringLiteral("not-the-secret");
        s3::Client bad(wrong);
        auto refused = test::wait(bad.putFileMultipart(key, source));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::Permission);
    }

    void listByPrefix()
    {
        s3::Client client(m_settings);
        const QString prefix = unique(QStringLiteral("tests/s3/list-")) + u'/';
        QStringList expected;
        for (const QString &name : {QStringLiteral("a.csv"), QStringLiteral("b c.csv"), QStringLiteral("sub/d.json")}) {
            QVERIFY(test::wait(client.put(prefix + name, QByteArrayLiteral("x"))));
            expected << prefix + name;
        }
        QVERIFY(test::wait(client.put(prefix.chopped(1) + QStringLiteral("-other"), QByteArrayLiteral("y"))));
        auto keys = test::wait(client.list(prefix));
        QVERIFY2(keys, qPrintable(keys ? QString() : keys.error().toString()));
        QStringList got = *keys;
        got.sort();
        QCOMPARE(got, expected);
        for (const QString &k : std::as_const(expected))
            QVERIFY(test::wait(client.del(k)));
        QVERIFY(test::wait(client.del(prefix.chopped(1) + QStringLiteral("-other"))));
        auto none = test::wait(client.list(prefix));
        QVERIFY(none);
        QVERIFY(none->isEmpty());
    }

    void missingObjectIsNotFound()
    {
        s3::Client client(m_settings);
        QTemporaryDir dir;
        auto r = test::wait(client.getFile(unique(QStringLiteral("tests/s3/none-")), dir.filePath(QStringLiteral("x"))));
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::NotFound);
    }

    void wrongSecretIsRefusedByTheServer()
    {
        s3::Settings wrong = m_settings;
        wrong.secretKey = QStringLiteral("not-the-secret-0123456789");
        s3::Client bad(wrong);
        const QString key = unique(QStringLiteral("tests/s3/forged-"));
        auto put = test::wait(bad.put(key, QByteArrayLiteral("forged")));
        QVERIFY(!put);
        QCOMPARE(put.error().code, Error::Code::Permission);
        QCOMPARE(put.error().message,
                 QStringLiteral("the storage refused the request's signature: FINPIPE_S3_SECRET_KEY is probably wrong"));
        QVERIFY(!put.error().toString().contains(wrong.secretKey));
        QVERIFY(!put.error().toString().contains(m_settings.secretKey));
        s3::Client good(m_settings);
        auto head = test::wait(good.head(key));
        QVERIFY(!head);
        QCOMPARE(head.error().code, Error::Code::NotFound); // nothing was stored

        s3::Settings region = m_settings;
        region.region = QStringLiteral("us-east-1");
        s3::Client wrongRegion(region);
        auto r = test::wait(wrongRegion.put(key, QByteArrayLiteral("x")));
        QVERIFY(!r);
        QVERIFY2(r.error().code == Error::Code::Permission, qPrintable(r.error().toString()));
        QCOMPARE(r.error().message, QStringLiteral("the storage refused the region us-east-1: FINPIPE_S3_REGION is probably wrong"));
    }

    void unreachableStorageIsNamed()
    {
        s3::Settings nowhere = m_settings;
        nowhere.endpoint = QStringLiteral("http://127.0.0.1:1");
        s3::Client client(nowhere);
        auto r = test::wait(client.put(QStringLiteral("k"), QByteArrayLiteral("x")));
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Permission);
        QCOMPARE(r.error().message, QStringLiteral("cannot reach the storage at http://127.0.0.1:1"));
    }

    void virtualHostedAddressing()
    {
        s3::Settings vhost = m_settings;
        vhost.endpoint = QStringLiteral("http://localhost:") + QString::number(QUrl(m_settings.endpoint).port());
        vhost.pathStyle = false;
        // <bucket>.localhost does not resolve here: the requests go through a forwarding proxy to the
        // S3 server, keeping their virtual-hosted Host header.
        LoopbackProxy proxy(quint16(QUrl(m_settings.endpoint).port()));
        QVERIFY(proxy.listen(QHostAddress::LocalHost));
        QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), proxy.serverPort()));
        auto restore = qScopeGuard([] { QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy); });
        s3::Client client(vhost);
        const QString key = unique(QStringLiteral("tests/s3/vhost-"));
        QCOMPARE(client.signer().objectUrl(key).host(), m_settings.bucket + QStringLiteral(".localhost"));
        auto put = test::wait(client.put(key, QByteArrayLiteral("virtual")));
        QVERIFY2(put, qPrintable(put ? QString() : put.error().toString()));
        // Stored in the same bucket: the path-style client reads it.
        s3::Client path(m_settings);
        auto got = test::wait(path.get(key));
        QVERIFY(got);
        QCOMPARE(*got, QByteArrayLiteral("virtual"));
        QVERIFY(test::wait(client.del(key)));
    }
};

QTEST_GUILESS_MAIN(TestS3Client)
#include "tst_s3client.moc"
