#pragma once

// Shared by the C++ cloud tests that run finpipe-worker and finpipe-cli as processes: their
// environment, a submission (or many at once), a large input, and a worker whose JSON log is watched.
#include "testutil.h"

#include <QDate>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include <csignal>
#include <memory>
#include <vector>

namespace finpipe::test {

inline const QString kWorkerPath = QStringLiteral(FINPIPE_WORKER_PATH);
inline const QString kCliPath = QStringLiteral(FINPIPE_CLI_PATH);

//! This process's environment with FINPIPE_DATABASE_URL = `databaseUrl` (removed when empty), and
//! without the S3 settings unless `storage` (analysts hold none).
inline QProcessEnvironment envWith(const QString &databaseUrl, bool storage)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (databaseUrl.isEmpty())
        env.remove(QStringLiteral("FINPIPE_DATABASE_URL"));
    else
        env.insert(QStringLiteral("FINPIPE_DATABASE_URL"), databaseUrl);
    if (!storage)
        for (const QString &k : env.keys())
            if (k.startsWith(QStringLiteral("FINPIPE_S3_")))
                env.remove(k);
    return env;
}

//! A station-readings CSV big enough that a job on it takes a while (about 35 MB).
inline QString writeBigStationFile(const QString &path, int seed)
{
    QByteArray csv = "Station_ID,Date_Time,PCode,Result\n";
    csv.reserve(40 << 20);
    const QDate start(1970, 1, 1);
    for (int day = 0; day < 21000; ++day) {
        const QByteArray date = start.addDays(day).toString(Qt::ISODate).toLatin1();
        for (const char *station : {"CT", "TUS"})
            for (int code = 1; code <= 24; ++code)
                csv += QByteArray(station) + ',' + date + ",Data " + QByteArray::number(code) + ','
                    + QByteArray::number((day * 31 + code * 7 + seed) % 1000 / 10.0, 'f', 1) + '\n';
    }
    return writeFixture(path, csv);
}

//! A worker process whose JSON log lines are collected as they come.
class WorkerProcess
{
public:
    WorkerProcess(const QString &databaseUrl, const QStringList &args)
    {
        m_process.setProcessEnvironment(envWith(databaseUrl, true));
        m_process.setReadChannel(QProcess::StandardError);
        m_process.start(kWorkerPath, args);
    }
    ~WorkerProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGCONT);
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    //! Waits for a log line with this event (and job, when given); true when it came in time. The
    //! lines it looks at (and those before) are used up; log() keeps them all.
    bool waitFor(const char *event, const QString &job, int ms)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            pull();
            while (!m_unread.isEmpty()) {
                const QJsonObject o = QJsonDocument::fromJson(m_unread.takeFirst()).object();
                if (o.value(u"event").toString() == QLatin1String(event) && (job.isEmpty() || o.value(u"job").toString() == job))
                    return true;
            }
            if (t.elapsed() >= ms || m_process.state() == QProcess::NotRunning)
                return false;
            m_process.waitForReadyRead(100);
        }
    }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    QProcess &process() { return m_process; }
    //! Every log line so far (reading it does not use up lines waitFor has not seen yet).
    QByteArray log()
    {
        pull();
        return m_log;
    }

private:
    void pull()
    {
        while (m_process.canReadLine()) {
            const QByteArray line = m_process.readLine();
            m_log += line;
            m_unread.append(line);
        }
    }

    QProcess m_process;
    QByteArray m_log;
    QList<QByteArray> m_unread;
};

//! `finpipe-cli submit FILE --json` as `analyst`: the new job's id, or empty (with a warning).
inline QString submitted(const QString &analyst, const QString &file)
{
    QProcess p;
    p.setProcessEnvironment(envWith(analyst, false));
    p.start(kCliPath, {QStringLiteral("submit"), file, QStringLiteral("--json")});
    p.waitForFinished(120000);
    const QByteArray out = p.readAllStandardOutput();
    if (p.exitCode() != 0)
        qWarning("submit: %s %s", out.constData(), p.readAllStandardError().constData());
    return QJsonDocument::fromJson(out).object().value(u"job_id").toString();
}

//! `n` simultaneous `finpipe-cli submit FILE`s, the i-th under logins[i % size]: how many uploaded
//! the file and how many found it stored, or the first failure's error text.
struct SubmittedTogether {
    int uploaded = 0;
    int stored = 0;
    QString failure;
};
inline SubmittedTogether submitTogether(const QString &file, const QStringList &logins, int n)
{
    std::vector<std::unique_ptr<QProcess>> runs;
    for (int i = 0; i < n; ++i) {
        runs.push_back(std::make_unique<QProcess>());
        runs.back()->setProcessEnvironment(envWith(logins.at(i % logins.size()), false));
        runs.back()->start(kCliPath, {QStringLiteral("submit"), file});
    }
    SubmittedTogether outcome;
    for (auto &p : runs) {
        const bool finished = p->waitForFinished(300000);
        const QByteArray out = p->readAllStandardOutput();
        if ((!finished || p->exitCode() != 0) && outcome.failure.isEmpty())
            outcome.failure = finished ? QString::fromUtf8(p->readAllStandardError()) : QStringLiteral("a submission did not end");
        outcome.uploaded += out.contains(", uploaded).") ? 1 : 0;
        outcome.stored += out.contains("already in the storage") ? 1 : 0;
    }
    return outcome;
}

} // namespace finpipe::test
