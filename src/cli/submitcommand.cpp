// finpipe-cli submit: detection here (as in analyze), the input uploaded through a link the
// database issues (skipped when the bucket already holds the same bytes), the job queued.
#include "cloudcli.h"
#include "specoptions.h"

#include "cloud/pg/conninfo.h"
#include "cloud/queue/jobqueue.h"
#include "cloud/queue/submission.h"
#include "detect/detection.h"
#include "detect/override.h"
#include "detect/rules.h"

#include "cloud/common/wakeup.h"
#include "common/terminal.h"
#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>


namespace finpipe::cli {

namespace {

//! Waits for the job's final state, printing progress on a terminal; LISTENs so that every change is
//! seen at once (and looks again every 30 s in case a notification was missed).
QCoro::Task<Result<cloud::JobRow>> waitForJob(cloud::pg::Connection &db, QString id, bool showProgress)
{
    const QString channel = QStringLiteral("finpipe_jobs");
    if (auto l = co_await db.listen(channel); !l)
        co_return l.error();
    cloud::WakeUp changed;
    QObject::connect(&db, &cloud::pg::Connection::notification, &changed, [&changed, id](const QString &, const QString &payload) {
        if (QJsonDocument::fromJson(payload.toUtf8()).object().value(u"id").toString() == id)
            changed.wake();
    });
    while (true) {
        changed.clear();
        Result<cloud::JobRow> job = co_await cloud::jobById(db, id);
        if (!job)
            co_return job.error();
        if (showProgress) {
            err() << "\r" << job->state << (job->state == u"running" ? QStringLiteral(" %1%").arg(int(job->progress * 100)) : QString())
                  << "\x1b[K";
            err().flush();
        }
        if (cloud::isFinalState(job->state)) {
            if (showProgress) {
                err() << "\r\x1b[K";
                err().flush();
            }
            co_return job;
        }
        co_await changed.wait(std::chrono::milliseconds(30000));
    }
}

} // namespace

int runSubmit(const QStringList &args)
{
    const QString cmd = QStringLiteral("submit");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Queue the analysis of FILE for the team's cloud workers. Detection runs here, as in analyze (exit 4 when it is "
        "not sure: choose with --type/--map); the file is uploaded through a link the database issues, unless the storage "
        "already holds the same bytes. Settings: FINPIPE_DATABASE_URL.\n\nExit codes: 0 ok (with --wait: succeeded), 2 "
        "usage, 3 unreadable input, 4 detection too uncertain, 5 the job failed (--wait), 8 the cloud is unreachable or "
        "refused us, 130 the job was cancelled (--wait)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV or Excel file to analyse."));
    const SpecOptions specOptions;
    const QCommandLineOption waitOpt(QStringLiteral("wait"), QStringLiteral("Wait until the job ends (progress on a terminal)."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print {\"job_id\", \"state\"} (with --wait the final state)."));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"), QStringLiteral("Print only the job id."));
    specOptions.addTo(parser);
    parser.addOptions({waitOpt, jsonOpt, quietOpt});
    if (!parser.parse(QStringList{cmd} + args))
        return usageError(cmd, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Ok;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError(cmd, files.isEmpty() ? QStringLiteral("name the file to analyse.")
                                               : QStringLiteral("submit one file at a time."));
    const QString file = files.first();
    Result<jobs::JobSpec> parsed = specOptions.spec(parser, file);
    if (!parsed)
        return usageError(cmd, parsed.error().message);
    jobs::JobSpec spec = *parsed;
    if (Result<void> names = cloud::checkTemplateNames(spec.params.templates); !names)
        return usageError(cmd, names.error().message);
    const bool json = parser.isSet(jsonOpt);
    const bool quiet = parser.isSet(quietOpt);

    Result<QString> url = databaseUrl();
    if (!url)
        return fail(url.error());
    const detect::Rules rules = detect::Rules::load();
    Result<cloud::Submission> prepared =
        cloud::prepareSubmission(spec, rules, QStringLiteral("choose with --type and --map, as `finpipe-cli detect` suggests"));
    if (!prepared)
        return fail(prepared.error());
    auto db = connectDatabase();
    if (!db)
        return cloudFail(db.error());
    const cloud::Submission &submission = *prepared;
    QNetworkAccessManager nam;
    Result<cloud::Submitted> submitted = runToEnd(cloud::submitToCloud(**db, nam, submission));
    if (!submitted) {
        if (submitted.error().code == Error::Code::Usage)
            return usageError(cmd, submitted.error().message);
        if (submitted.error().code == Error::Code::NotFound || submitted.error().code == Error::Code::Unreadable)
            return fail(submitted.error());
        return cloudFail(submitted.error());
    }
    const QString *id = &submitted->jobId;
    const bool uploadedNow = submitted->uploaded;
    if (!json && !quiet)
        out() << "Submitted " << QFileInfo(file).fileName() << " as job " << *id << " (" << submission.datasetType << ", "
              << (uploadedNow ? "uploaded" : "already in the storage") << ")." << Qt::endl;
    else if (quiet && !json)
        out() << *id << Qt::endl;
    if (!parser.isSet(waitOpt)) {
        if (json)
            out() << QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("job_id"), *id}, {QStringLiteral("state"), QStringLiteral("queued")}})
                                           .toJson(QJsonDocument::Compact))
                  << Qt::endl;
        return Ok;
    }
    Result<cloud::JobRow> final = runToEnd(waitForJob(**db, *id, !json && !quiet && stderrIsTerminal()));
    if (!final)
        return cloudFail(final.error());
    if (json) {
        QJsonObject o{{QStringLiteral("job_id"), *id}, {QStringLiteral("state"), final->state}};
        if (!final->error.isEmpty())
            o.insert(QStringLiteral("error"), final->error);
        out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << Qt::endl;
    } else if (!quiet) {
        out() << "Job " << *id << " " << final->state << (final->error.isEmpty() ? QString() : QStringLiteral(": ") + final->error)
              << Qt::endl;
    }
    if (final->state == u"succeeded")
        return Ok;
    return final->state == u"cancelled" ? Cancelled : AnalysisFailed;
}

} // namespace finpipe::cli
