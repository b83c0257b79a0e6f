#include "intake.h"

#include "appsettings.h"
#include "detect/override.h"
#include "detectiondialog.h"
#include "ingest/fileerrors.h"
#include "ingest/sha256.h"
#include "jobs/jobstore.h"
#include "mappingjson.h"
#include "prompts.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent>

namespace finpipe::app {

QStringList expandDroppedPaths(const QStringList &paths)
{
    static const QStringList kinds = {QStringLiteral("*.csv"), QStringLiteral("*.tsv"),
                                      QStringLiteral("*.xlsx"), QStringLiteral("*.xlsm")};
    QStringList out;
    for (const QString &p : paths) {
        const QFileInfo fi(p);
        if (fi.isDir()) {
            QDir dir(p);
            const QStringList names = dir.entryList(kinds, QDir::Files | QDir::Readable, QDir::Name);
            for (const QString &n : names) {
                // Excel's lock files ("~$book.xlsx") are not workbooks.
                if (!n.startsWith(u"~$"))
                    out.append(dir.filePath(n));
            }
        } else {
            out.append(fi.absoluteFilePath());
        }
    }
    out.removeDuplicates();
    return out;
}

FileIntake::FileIntake(jobs::JobStore &store, AppSettings &settings, Prompts &prompts, QWidget *dialogParent)
    : QObject(dialogParent), m_store(store), m_settings(settings), m_prompts(prompts), m_parent(dialogParent)
{
    qRegisterMetaType<PreparedFile>();
    // 50 ms keeps the bar lively without costing anything noticeable.
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &FileIntake::poll);
}

FileIntake::~FileIntake()
{
    if (m_current)
        m_current->feedback->cancel();
}

void FileIntake::add(const QStringList &paths)
{
    for (const QString &p : expandDroppedPaths(paths)) {
        if (m_queue.contains(p) || (m_current && m_current->path == p))
            continue;
        m_queue.append(p);
    }
    if (!m_current)
        next();
}

DetectionDialog *FileIntake::dialog() const
{
    return m_dialog.data();
}

void FileIntake::review(const QString &path, const std::optional<ReviewPreset> &preset)
{
    m_review.insert(QFileInfo(path).absoluteFilePath(), preset);
    add({path});
}

void FileIntake::cancel()
{
    m_queue.clear();
    if (m_dialog)
        m_dialog->reject(); // finishes the current file through the dialog's finished() signal
    if (m_current) {
        m_current->feedback->cancel();
        // Results that arrive later belong to an older generation and are ignored.
        m_current.reset();
        ++m_generation;
        m_poll.stop();
        Q_EMIT statusChanged(QString());
        Q_EMIT idle();
    }
}

void FileIntake::next()
{
    if (m_current)
        return; // already busy (a file was added while this call was queued)
    m_poll.stop();
    if (m_queue.isEmpty()) {
        Q_EMIT statusChanged(QString());
        Q_EMIT idle();
        return;
    }
    m_current.emplace();
    m_current->path = m_queue.takeFirst();
    m_currentIsReview = m_review.contains(m_current->path);
    m_currentPreset = m_review.take(m_current->path);
    m_current->generation = ++m_generation;
    startHashing();
}

void FileIntake::poll()
{
    if (m_current)
        Q_EMIT progressChanged(m_current->feedback->fraction());
}

void FileIntake::startHashing()
{
    const QString path = m_current->path;
    const quint64 generation = m_current->generation;
    auto feedback = m_current->feedback;
    Q_EMIT statusChanged(tr("Hashing %1…").arg(ingest::displayName(path)));
    Q_EMIT progressChanged(0);
    m_poll.start();
    auto *watcher = new QFutureWatcher<Result<QString>>(this);
    connect(watcher, &QFutureWatcher<Result<QString>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (!m_current || m_current->generation != generation)
            return;
        hashed(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([path, feedback] { return ingest::sha256File(path, feedback.get()); }));
}

void FileIntake::hashed(const Result<QString> &digest)
{
    if (!digest.ok()) {
        if (digest.error().code != Error::Code::Cancelled)
            Q_EMIT fileFailed(m_current->path, digest.error().message);
        finishCurrent();
        return;
    }
    m_current->sha256 = *digest;
    m_current->size = QFileInfo(m_current->path).size();

    auto earlier = m_store.jobsBySha256(m_current->sha256);
    if (!m_currentIsReview && earlier.ok() && !earlier->isEmpty()) {
        const jobs::JobRecord &last = earlier->first();
        m_poll.stop();
        const auto choice = m_prompts.askDuplicate(m_parent, ingest::displayName(m_current->path),
                                                   last.created, last.datasetType);
        // The prompt may have run an event loop: the analyst may have cancelled meanwhile.
        if (!m_current)
            return;
        if (choice == Prompts::DuplicateChoice::OpenExisting) {
            Q_EMIT openExistingRequested(last.id);
            finishCurrent();
            return;
        }
        if (choice == Prompts::DuplicateChoice::Cancel) {
            finishCurrent();
            return;
        }
    }
    startDetection();
}

void FileIntake::startDetection()
{
    const QString path = m_current->path;
    const quint64 generation = m_current->generation;
    Q_EMIT statusChanged(tr("Recognising %1…").arg(ingest::displayName(path)));
    Q_EMIT progressChanged(-1);
    auto rules = m_rules;
    // A re-run with changes reads the sheet the job read, unless the analyst picks another.
    ingest::ReadOptions options;
    if (m_currentIsReview && m_currentPreset)
        options.sheet = m_currentPreset->sheet;
    using Out = std::pair<std::shared_ptr<const detect::Rules>, Result<detect::Detection>>;
    auto *watcher = new QFutureWatcher<Out>(this);
    connect(watcher, &QFutureWatcher<Out>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (!m_current || m_current->generation != generation)
            return;
        const Out out = watcher->result();
        m_rules = out.first;
        detected(out.second);
    });
    watcher->setFuture(QtConcurrent::run([path, rules, options]() -> Out {
        // Loading the rules reads files; do it here, once.
        auto r = rules ? rules : std::make_shared<const detect::Rules>(detect::Rules::load());
        return {r, detect::detectFile(path, options, *r)};
    }));
}

void FileIntake::detected(const Result<detect::Detection> &detection)
{
    m_poll.stop();
    if (!detection.ok()) {
        if (detection.error().code != Error::Code::Cancelled)
            Q_EMIT fileFailed(m_current->path, detection.error().message);
        finishCurrent();
        return;
    }
    m_current->detection = *detection;
    const detect::Detection &d = m_current->detection;

    // A mapping the analyst asked us to remember for files with these headers.
    QStringList headers;
    for (const detect::ColumnProfile &c : d.profile)
        headers.append(c.name);
    std::optional<detect::ColumnMapping> remembered;
    QString note;
    auto profile = m_store.profileFor(jobs::JobStore::headersKey(headers));
    if (profile.ok() && profile->has_value()) {
        if (auto m = mappingFromJson((*profile)->mappingJson)) {
            auto valid = detect::validateMapping(*m, d.profile, *m_rules);
            if (valid.ok()) {
                remembered = *valid;
                note = tr("Using the mapping you saved on %1 for files with these headers.")
                           .arg(QLocale().toString((*profile)->saved.toLocalTime(), QLocale::ShortFormat));
            }
        }
    }

    const bool sure = m_settings.proceedsAutomatically(d.level, d.ambiguous) && d.missingRoles.isEmpty();
    if (!m_alwaysAsk && !m_settings.reviewBeforeRun() && !m_currentIsReview && sure && (!remembered || remembered->datasetType == d.type)) {
        PreparedFile f;
        f.path = m_current->path;
        f.fileName = ingest::displayName(f.path);
        f.sha256 = m_current->sha256;
        f.size = m_current->size;
        f.sheet = d.sheets.isEmpty() ? QString() : d.sheet; // a workbook's sheet detection chose
        f.detection = d;
        f.mapping = remembered ? *remembered : d.mapping;
        f.confidence = d.confidence;
        f.level = d.level;
        f.place = m_cloudConfigured && m_settings.defaultRunPlace() == u"cloud" ? QStringLiteral("cloud")
                                                                                : QStringLiteral("local");
        Q_EMIT fileReady(f);
        finishCurrent();
        return;
    }
    askAnalyst(remembered, note);
}

void FileIntake::askAnalyst(const std::optional<detect::ColumnMapping> &profileMapping, const QString &profileNote)
{
    Q_EMIT statusChanged(tr("Waiting for you to confirm %1…").arg(ingest::displayName(m_current->path)));
    Q_EMIT progressChanged(1);
    auto *dlg = new DetectionDialog(ingest::displayName(m_current->path), m_current->detection, m_rules,
                                    m_prompts, m_parent);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    dlg->setSource(m_current->path);
    dlg->setRunPlace(m_currentPreset && !m_currentPreset->place.isEmpty() ? m_currentPreset->place
                                                                          : m_settings.defaultRunPlace(),
                     m_cloudConfigured,
                     m_cloudConfigured ? m_cloudNote : tr("Set up the team cloud in Settings to run files there."));
    if (m_currentPreset) {
        // A re-run with changes starts from the job's own choices.
        if (m_currentPreset->mapping)
            dlg->preset(*m_currentPreset->mapping, tr("The choices of this job's latest run."), false);
        dlg->setParameters(m_currentPreset->parameters);
    } else if (profileMapping) {
        dlg->preset(*profileMapping, profileNote);
    }
    m_dialog = dlg;
    const quint64 generation = m_current->generation;
    connect(dlg, &QDialog::finished, this, [this, dlg, generation](int result) {
        if (!m_current || m_current->generation != generation)
            return;
        if (result == QDialog::Accepted) {
            const auto mapping = dlg->validatedMapping();
            if (mapping) {
                PreparedFile f;
                f.path = m_current->path;
                f.fileName = ingest::displayName(f.path);
                f.sha256 = m_current->sha256;
                f.size = m_current->size;
                // The sheet the analyst looked at (another than detection's first pick, maybe).
                f.detection = dlg->detection();
                f.sheet = f.detection.sheet;
                f.mapping = *mapping;
                f.parameters = dlg->parameters();
                f.place = dlg->runPlace();
                m_settings.setDefaultRunPlace(f.place); // the next dialog starts from this choice
                f.confidence = f.detection.confidenceFor(mapping->datasetType);
                f.level = mapping->datasetType == f.detection.type
                              ? f.detection.level
                              : detect::levelFor(f.confidence, m_rules->settings());
                if (dlg->rememberMapping()) {
                    QStringList headers;
                    for (const detect::ColumnProfile &c : f.detection.profile)
                        headers.append(c.name);
                    jobs::MappingProfile p{jobs::JobStore::headersKey(headers), mapping->datasetType,
                                           mappingToJson(*mapping), QDateTime::currentDateTimeUtc()};
                    (void)m_store.saveProfile(p); // remembering is a convenience; the job goes on
                }
                Q_EMIT fileReady(f);
            }
        }
        finishCurrent();
    });
    dlg->open();
}

void FileIntake::finishCurrent()
{
    m_current.reset();
    // Continue from the event loop, so that a dialog closing is not re-entered.
    QMetaObject::invokeMethod(this, &FileIntake::next, Qt::QueuedConnection);
}

} // namespace finpipe::app
