// The Quality tab accounts for every row and reads at 1024 x 700, and the Data tab shows numbers
// for people in the analyst's locale. Jobs are run in-process (jobs::runJob) on the seed files;
// their outputs are shown in a DetailTabs the size the window gives it at 1024 x 700.
#include "apptestutil.h"
#include "testutil.h"
#include "detailtabs.h"
#include "icons.h"
#include "resultsmodel.h"
#include "jobs/pipeline.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTableWidget>

using namespace finpipe;
using finpipe::test::seedPath;

namespace {

// At 1024 x 700 the window's details area is about this size (job list, menu, tool and status bar
// taken off); the tests use a little less, to be safe.
constexpr int kDetailsWidth = 700;
constexpr int kDetailsHeight = 540;

//! Every text the chart's scene draws: axis labels, title, bar labels.
QStringList chartTexts(QChartView *view)
{
    QStringList texts;
    const auto items = view->chart()->scene()->items();
    for (QGraphicsItem *item : items) {
        if (!item->isVisible())
            continue;
        if (auto *t = dynamic_cast<QGraphicsTextItem *>(item))
            texts << t->toPlainText();
        else if (auto *s = dynamic_cast<QGraphicsSimpleTextItem *>(item))
            texts << s->text();
    }
    return texts;
}

//! With FINPIPE_SHOTS_DIR set, saves a picture of `w` for a person to look at.
void saveShot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("FINPIPE_SHOTS_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300);
    w->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

} // namespace

class TestQualityTab : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    //! Runs `input` into its own folder and returns a finished job record for it.
    jobs::JobRecord run(const QString &input, const QString &name)
    {
        jobs::JobSpec spec;
        spec.inputPath = input;
        spec.outputDir = m_dir.filePath(name);
        auto r = jobs::runJob(spec);
        if (!r.ok())
            qWarning() << r.error().toString();
        jobs::JobRecord job;
        job.id = 1;
        job.state = jobs::JobState::Succeeded;
        job.outputDir = spec.outputDir;
        job.fileName = QFileInfo(input).fileName();
        return job;
    }

    //! The Quality tab of `job` at the details area's size: accounting, alerts, a chart in view
    //! whose labels are whole.
    //! `tabs` at the details area's size, showing the Quality tab of `job`.
    static void openQualityTab(app::DetailTabs &tabs, const jobs::JobRecord &job)
    {
        tabs.resize(kDetailsWidth, kDetailsHeight);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        QSignalSpy loaded(&tabs, &app::DetailTabs::qualityReportLoaded);
        tabs.showJob(&job);
        tabs.setCurrentIndex(app::DetailTabs::QualityTab);
        // The report is read off the GUI thread: it arrives through the event loop.
        QCOMPARE(loaded.size(), 0);
        QVERIFY(loaded.wait(10000));
    }

    void checkQualityTab(const jobs::JobRecord &job, const QString &accounting, const QString &shot)
    {
        app::DetailTabs tabs;
        openQualityTab(tabs, job);
        if (QTest::currentTestFailed())
            return;
        QTest::qWait(200);
        checkShownQualityTab(tabs, accounting);
        saveShot(&tabs, shot);
    }

    static void checkShownQualityTab(app::DetailTabs &tabs, const QString &accounting)
    {
        QVERIFY2(tabs.rowAccounting()->text().contains(accounting), qPrintable(tabs.rowAccounting()->text()));

        // The chart is on screen, not below a fold, and big enough to read.
        QChartView *chart = tabs.qualityChart();
        QVERIFY(chart->isVisible());
        const QRect inTabs(chart->mapTo(&tabs, QPoint(0, 0)), chart->size());
        QVERIFY2(tabs.rect().contains(inTabs), "the chart is fully inside the tab at 1024 x 700");
        QVERIFY(chart->height() >= 250);
        QVERIFY(chart->width() >= 300);
        QVERIFY(!chart->chart()->series().isEmpty()); // the blank-rate chart has data
        // No label is elided: QtCharts ends a cut label with "...".
        const QStringList texts = chartTexts(chart);
        QVERIFY(!texts.isEmpty());
        for (const QString &t : texts)
            QVERIFY2(!t.endsWith(QStringLiteral("...")) && !t.contains(QChar(0x2026)), qPrintable(t));

        // Every alert is readable in the list without scrolling past five lines' worth.
        QListWidget *alerts = tabs.alertsList();
        QVERIFY(alerts->isVisible());
        QVERIFY2(alerts->viewport()->height() >= 8 * alerts->fontMetrics().height(),
                 qPrintable(QString::number(alerts->viewport()->height())));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_dir.isValid());
    }

    //! 84 blank results of the synthetic readings: counted, by reason, with rows.
    void stationReadingsAccountForEveryRow()
    {
        const jobs::JobRecord job = run(seedPath(QStringLiteral("synthetic_raw_data.csv")), QStringLiteral("synthetic"));
        checkQualityTab(job, QStringLiteral("<b>1,440</b> rows read = <b>1,356</b> used + <b>84</b> skipped"),
                        QStringLiteral("quality-station"));
        app::DetailTabs tabs;
        openQualityTab(tabs, job);
        if (QTest::currentTestFailed())
            return;
        QTableWidget *skipped = tabs.skippedTable();
        QCOMPARE(skipped->rowCount(), 1);
        QCOMPARE(skipped->item(0, 0)->text(), QStringLiteral("blank value"));
        QCOMPARE(skipped->item(0, 1)->text(), QStringLiteral("84"));
        QVERIFY(skipped->item(0, 2)->text().endsWith(QStringLiteral(", …")));
        bool named = false;
        for (int i = 0; i < tabs.alertsList()->count(); ++i)
            named = named || tabs.alertsList()->item(i)->text().startsWith(QStringLiteral("84 of 1,440 rows were skipped"));
        QVERIFY(named);
    }

    //! Sales: the blank-rate chart was empty (the analysis wrote another name); now it has bars.
    void salesHaveABlankRateChart()
    {
        const jobs::JobRecord job = run(seedPath(QStringLiteral("fintech_sales.csv")), QStringLiteral("sales"));
        checkQualityTab(job, QStringLiteral("<b>10,000</b> rows read = <b>10,000</b> used + <b>0</b> skipped"),
                        QStringLiteral("quality-sales"));
    }

    //! The wide report (many columns): at most a dozen bars, every label whole.
    void wideReportLabelsAreWhole()
    {
        const jobs::JobRecord job = run(seedPath(QStringLiteral("ct_analysis_template.xlsx")), QStringLiteral("wide"));
        checkQualityTab(job, QStringLiteral("rows read ="), QStringLiteral("quality-wide"));
    }

    //! The whole window at 1024 x 700 with the users' workbook (17 columns, six of them blank):
    //! the Quality tab has its chart in view with whole labels and the alerts with room.
    void qualityTabInTheWindowAt1024x700()
    {
        test::AppFixture fx;
        app::MainWindow &w = fx.open();
        w.resize(1024, 700);
        QSignalSpy finished(&w, &app::MainWindow::jobFinished);
        test::dropFiles(&w, {seedPath(QStringLiteral("raw_data.xlsx"))});
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        w.details()->setCurrentIndex(app::DetailTabs::QualityTab);
        QTest::qWait(300);
        QCOMPARE(w.size(), QSize(1024, 700));
        checkShownQualityTab(*w.details(), QStringLiteral("<b>686</b> rows read = <b>686</b> used + <b>0</b> skipped"));
        saveShot(&w, QStringLiteral("quality-tab-1024x700"));
        w.resize(1600, 1000);
        QTest::qWait(300);
        checkShownQualityTab(*w.details(), QStringLiteral("<b>686</b> rows read"));
        saveShot(&w, QStringLiteral("quality-tab-1600x1000"));
    }

    //! The Data tab in German: 12.345,68 for money, 1.200 for counts, 2,27 % for shares; headers
    //! for people, the CSV's names and exact values in the tooltips.
    void dataTabNumbersInTheAnalystsLocale()
    {
        const QString csv = m_dir.filePath(QStringLiteral("fraud_rate_by_channel.csv"));
        test::writeFixture(csv, "channel,orders,revenue_total,fraud_rate_orders,Data 3\n"
                                "web,1200,12345.678,0.0227,3.25\n"
                                "app,7,0.5,0,1234567.5\n");
        ingest::ReadOptions opts;
        opts.computeHash = false;
        auto table = ingest::readTable(csv, opts);
        QVERIFY(table.ok());
        app::ResultsModel model;
        model.setLocale(QLocale(QLocale::German, QLocale::Germany));
        auto shown = std::make_shared<ingest::Table>(std::move(*table));
        model.setTable(shown, app::ResultsModel::columnStyles(*shown));
        auto text = [&](int r, int c) { return model.data(model.index(r, c), Qt::DisplayRole).toString(); };
        QCOMPARE(text(0, 0), QStringLiteral("web"));
        QCOMPARE(text(0, 1), QStringLiteral("1.200"));
        QCOMPARE(text(0, 2), QStringLiteral("12.345,68"));
        QCOMPARE(text(1, 2), QStringLiteral("0,50"));
        QCOMPARE(text(0, 3), QStringLiteral("2,27 %"));
        QCOMPARE(text(1, 3), QStringLiteral("0 %"));
        QCOMPARE(text(0, 4), QStringLiteral("3,25"));
        QCOMPARE(text(1, 4), QStringLiteral("1.234.567,5"));
        QCOMPARE(model.data(model.index(0, 3), Qt::ToolTipRole).toString(), QStringLiteral("0.0227"));
        QCOMPARE(model.headerData(2, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("Revenue"));
        QCOMPARE(model.headerData(3, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("Fraud rate orders"));
        QCOMPARE(model.headerData(4, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("Data 3"));
        QCOMPARE(model.headerData(2, Qt::Horizontal, Qt::ToolTipRole).toString(), QStringLiteral("revenue_total"));
        // English: the same cells with its separators.
        model.setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
        QCOMPARE(text(0, 2), QStringLiteral("12,345.68"));
        QCOMPARE(text(0, 3), QStringLiteral("2.27 %"));
    }
};

int main(int argc, char *argv[])
{
    finpipe::test::prepareGuiTestProcess();
    QApplication app(argc, argv);
    finpipeInitAppResources();
    TestQualityTab t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "tst_qualitytab.moc"
