#pragma once

#include "jobs/jobstore.h"

#include <QList>
#include <QTableWidget>
#include <QWidget>

class QLabel;
class QPushButton;

namespace finpipe::app {

//! Which run the details show, said in words: "Run 3 of 3 · failed · 5 Dec 2026 09:12" or
//! "Showing run 2 of 3, the last that succeeded · run 3 failed". Empty without runs.
QString runBannerText(const QList<jobs::JobRun> &runs, int shownRun);
//! The run with that number (0: the latest); nullptr when there is none.
const jobs::JobRun *findRun(const QList<jobs::JobRun> &runs, int number);
//! The latest succeeded run's number; 0 when none.
int lastGoodRun(const QList<jobs::JobRun> &runs);
//! What the analyst can do about a failed run with this message, in their words.
QString adviceFor(const QString &errorMessage);
//! "Station readings, mean" from a run's spec: what was chosen for it.
QString choicesText(const jobs::JobRun &run);

//! The job's runs, newest first: when, state, duration, what was chosen, why. Activating a row
//! (double-click, Enter) asks to show that run.
class RunHistoryTable : public QTableWidget
{
    Q_OBJECT

public:
    explicit RunHistoryTable(QWidget *parent = nullptr);
    void setRuns(const QList<jobs::JobRun> &runs, int shownRun);
    //! The run number in a row.
    int runAt(int row) const;

Q_SIGNALS:
    void runActivated(int run);

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

//! What the Dashboard tab shows when the run has no dashboard: a failure in full with what to do
//! and buttons for it, a cancelled or interrupted run, a run still going.
class RunOutcomePage : public QWidget
{
    Q_OBJECT

public:
    explicit RunOutcomePage(QWidget *parent = nullptr);
    //! `run` nullptr: no job selected. `lastGood` the job's last succeeded run (0: none).
    void showRun(const jobs::JobRun *run, int runCount, int lastGood, bool hasJob);
    QLabel *messageLabel() const { return m_message; }
    QPushButton *fixButton() const { return m_fix; }
    QPushButton *rerunButton() const { return m_rerun; }
    QPushButton *showGoodButton() const { return m_showGood; }

Q_SIGNALS:
    void fixMappingRequested();
    void rerunRequested();
    void runRequested(int run);

private:
    QLabel *m_title = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_advice = nullptr;
    QPushButton *m_fix = nullptr;
    QPushButton *m_rerun = nullptr;
    QPushButton *m_showGood = nullptr;
    int m_lastGood = 0;
};

} // namespace finpipe::app
