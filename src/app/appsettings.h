#pragma once

#include "cloudsettings.h"
#include "detect/detection.h"

#include <QSettings>
#include <QString>
#include <QStringList>

namespace finpipe::app {

//! The application's preferences, kept in QSettings. Nothing secret is ever stored here: secrets
//! go to the OS keychain (SecretStore).
class AppSettings
{
public:
    enum class Theme { System, Light, Dark };

    //! `settings` lets tests use their own file; nullptr means the application's QSettings.
    explicit AppSettings(QSettings *settings = nullptr);

    //! Jobs that may run at once; default max(1, cores - 1).
    int concurrency() const;
    void setConcurrency(int n);
    static int defaultConcurrency();

    //! The lowest detection level at which a file is analysed without asking: "high" (default),
    //! "medium", or "never" (always ask).
    QString autoProceedLevel() const;
    void setAutoProceedLevel(const QString &level);
    //! True when a detection at `level` (not ambiguous) may proceed without the dialog.
    bool proceedsAutomatically(detect::Level level, bool ambiguous) const;

    //! "Always let me review before running": every file opens the detection dialog (off by default).
    bool reviewBeforeRun() const;
    void setReviewBeforeRun(bool on);

    //! The job list's height in the window's splitter (QSplitter::saveState); empty: the default.
    QByteArray splitterState() const;
    void setSplitterState(const QByteArray &state);

    //! The folder under which each job's output folder is made; empty means the store's default.
    QString outputRoot() const;
    void setOutputRoot(const QString &dir);

    //! The team cloud's database connection (no password: that is in the keychain).
    CloudSettings cloud() const;
    void setCloud(const CloudSettings &cloud);
    //! Where a file runs when detection is sure and no dialog appears: "local" (default) or "cloud".
    QString defaultRunPlace() const;
    void setDefaultRunPlace(const QString &place);

    Theme theme() const;
    void setTheme(Theme theme);

    //! Most recent first, at most kMaxRecent.
    QStringList recentFiles() const;
    void addRecentFile(const QString &path);
    static constexpr int kMaxRecent = 10;

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &g);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &s);

private:
    QSettings &s() const { return *m_settings; }
    QSettings *m_settings;
    QSettings m_own;
};

} // namespace finpipe::app
