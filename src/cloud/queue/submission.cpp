#include "cloud/queue/submission.h"

#include "cloud/pg/connection.h"
#include "cloud/queue/jobqueue.h"
#include "cloud/s3/transfer.h"
#include "detect/detection.h"
#include "detect/override.h"
#include "detect/rules.h"
#include "ingest/sha256.h"
#include "jobs/jobspecjson.h"

#include <QCoroFuture>
#include <QCoroTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSet>
#include <QUrl>

namespace finpipe::cloud {

Result<Submission> prepareSubmission(const jobs::JobSpec &spec, const detect::Rules &rules, const QString &howToChoose)
{
    Submission out;
    out.spec = spec;
    out.rulesVersion = rules.version();
    detect::ColumnMapping mapping;
    QJsonObject detection;
    if (spec.mapping) {
        mapping = *spec.mapping;
        detection = {{QStringLiteral("type"), mapping.datasetType}, {QStringLiteral("chosen_by_analyst"), true}};
    } else {
        auto d = detect::detectFile(spec.inputPath, spec.read, rules);
        if (!d)
            return d.error();
        if (spec.choice) {
            auto validated = detect::validateOverride(*spec.choice, *d, rules);
            if (!validated)
                return validated.error();
            mapping = *validated;
        } else {
            if (d->level == detect::Level::Low || d->level == detect::Level::VeryLow)
                return Error::make(Error::Code::Uncertain,
                                   QStringLiteral("finpipe is not sure what %1 holds (best guess %2, confidence %3, %4); %5")
                                       .arg(QFileInfo(spec.inputPath).fileName(), d->type)
                                       .arg(d->confidence, 0, 'f', 2)
                                       .arg(detect::levelName(d->level), howToChoose));
            mapping = d->mapping;
        }
        detection = {{QStringLiteral("type"), d->type},
                     {QStringLiteral("confidence"), d->confidence},
                     {QStringLiteral("level"), detect::levelName(d->level)},
                     {QStringLiteral("chosen_by_analyst"), bool(spec.choice)},
                     {QStringLiteral("rules_version"), d->rulesVersion}};
    }
    QJsonObject roles;
    for (auto it = mapping.roles.cbegin(); it != mapping.roles.cend(); ++it)
        roles.insert(it.key(), it.value());
    for (auto it = mapping.columnGroups.cbegin(); it != mapping.columnGroups.cend(); ++it)
        roles.insert(it.key(), QJsonArray::fromStringList(it.value()));
    out.datasetType = mapping.datasetType;
    out.detection = QJsonDocument(detection).toJson(QJsonDocument::Compact);
    out.mapping = QJsonDocument(roles).toJson(QJsonDocument::Compact);
    return out;
}

Result<void> checkTemplateNames(const QStringList &templates)
{
    QSet<QString> names;
    for (const QString &t : templates) {
        const QString name = QFileInfo(t).fileName();
        if (names.contains(name))
            return Error::make(Error::Code::Usage, QStringLiteral("two templates are named %1; rename one of them.").arg(name));
        names.insert(name);
    }
    return {};
}

namespace {

//! Uploads the input as the database directs: PUT through the issued link, or nothing when the
//! bucket has it, or wait while another submission uploads the same bytes.
QCoro::Task<Result<bool>> uploadFile(pg::Connection &db, QNetworkAccessManager &nam, QString path, QString sha256, qint64 size,
                                     s3::UploadProgress progress = {})
{
    QString reservation;
    int failures = 0;
    int collisions = 0;
    for (int round = 0; round < 1200; ++round) {
        Result<UploadTicket> ticket = co_await presignUpload(db, sha256, size, reservation);
        if (!ticket && pg::sqlState(ticket.error()) == u"23505" && ++collisions <= 5) {
            // Simultaneous first submissions of one file could collide in presign_upload's insert
            // (unique_violation on uploads.storage_key, which its ON CONFLICT does not arbitrate)
            // in a database migrated before 0003, which drops that constraint: asking again finds
            // the other's row.
            co_await QCoro::sleepFor(std::chrono::milliseconds(50 * collisions));
            continue;
        }
        if (!ticket)
            co_return ticket.error();
        if (ticket->state == u"stored")
            co_return false;
        if (ticket->state == u"uploading") {
            co_await QCoro::sleepFor(std::chrono::milliseconds(500));
            continue;
        }
        reservation = ticket->reservation;
        const QUrl link = QUrl::fromEncoded(ticket->url.toUtf8());
        Result<void> put = co_await s3::putFileToUrl(nam, link, path, progress);
        if (!put && put.error().code == Error::Code::Cancelled) {
            (void)co_await releaseUpload(db, sha256, reservation);
            co_return put.error();
        }
        if (!put) {
            // A dropped connection or a storage error is tried again (with a fresh link under the
            // same reservation) twice; a refused link is not.
            const bool refused = put.error().detail.startsWith(QLatin1String("HTTP 40"));
            if (refused || ++failures >= 3) {
                // The next submission of this file must not wait for our reservation to lapse.
                // (When the database is away too, the reservation lapses with its link.)
                (void)co_await releaseUpload(db, sha256, reservation);
                Error e = put.error();
                e.message = QStringLiteral("the upload failed, nothing was submitted: ") + e.message;
                co_return e;
            }
            co_await QCoro::sleepFor(std::chrono::milliseconds(1000 * failures));
            continue;
        }
        if (auto stored = co_await uploadStored(db, sha256, reservation); !stored)
            co_return stored.error();
        co_return true;
    }
    co_return Error::make(Error::Code::Failed, QStringLiteral("another submission of the same file has been uploading it for "
                                                              "ten minutes; try again later"));
}

} // namespace

QCoro::Task<Result<Submitted>> submitToCloud(pg::Connection &db, QNetworkAccessManager &nam, Submission submission)
{
    const jobs::JobSpec &spec = submission.spec;
    if (Result<void> names = checkTemplateNames(spec.params.templates); !names)
        co_return names.error();
    const QString file = spec.inputPath;
    const QString inputName = QFileInfo(file).fileName();
    // The input's and the templates' hashes, off the caller's event loop (the app's GUI thread).
    struct Hashed {
        Result<QString> sha;
        jobs::SpecPins pins;
    };
    const QString rulesVersion = submission.rulesVersion;
    QFuture<Hashed> hashing = QtConcurrent::run([file, spec, rulesVersion] {
        return Hashed{ingest::sha256File(file), jobs::pinSpec(spec, rulesVersion)};
    });
    const Hashed hashed = co_await hashing;
    const Result<QString> &sha = hashed.sha;
    if (!sha)
        co_return sha.error();
    const jobs::SpecPins &pins = hashed.pins;
    const qint64 size = QFileInfo(file).size();
    Result<bool> uploaded = co_await uploadFile(db, nam, file, *sha, size, submission.uploadProgress);
    if (!uploaded)
        co_return uploaded.error();

    // The templates are stored as inputs are (content-addressed, uploaded once).
    for (const QString &t : std::as_const(spec.params.templates)) {
        const QString templateSha = pins.templateSha256.value(t);
        if (templateSha.isEmpty())
            co_return Error::make(Error::Code::NotFound, QStringLiteral("the template %1 cannot be read").arg(t));
        Result<bool> stored = co_await uploadFile(db, nam, t, templateSha, QFileInfo(t).size());
        if (!stored)
            co_return stored.error();
    }

    // The worker gets the spec without this computer's paths; it downloads the input and the
    // templates by their hashes.
    jobs::JobSpec sent = spec;
    sent.inputPath = inputName;
    sent.outputDir.clear();
    jobs::SpecPins sentPins = pins;
    sentPins.templateSha256.clear();
    sent.params.templates.clear();
    for (const QString &t : std::as_const(spec.params.templates)) {
        sent.params.templates << QFileInfo(t).fileName();
        sentPins.templateSha256.insert(QFileInfo(t).fileName(), pins.templateSha256.value(t));
    }
    const QByteArray parameters = jobs::jobSpecToJson(sent, sentPins);
    Result<QString> id = co_await submitJob(db, inputName, size, *sha, submission.datasetType, submission.detection,
                                            submission.mapping, parameters);
    if (!id)
        co_return id.error();
    co_return Submitted{*id, *uploaded};
}

} // namespace finpipe::cloud
