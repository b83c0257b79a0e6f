#include "outputs/dashboard.h"
#include "outputs/htmlescape.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace finpipe;
using namespace finpipe::analysis;
using namespace finpipe::outputs;

namespace {

const QString kHostileColumn = QStringLiteral("<script>alert(1)</script>");
const QString kHostileFile = QStringLiteral("\"><img src=x onerror=alert(1)>.csv");
const QString kHostileCell = QStringLiteral("</script><script>alert(2)</script>");

qint64 dayMs(int y, int m, int d)
{
    return QDate(1970, 1, 1).daysTo(QDate(y, m, d)) * qint64(86400000);
}

ResultTable stationTable(const QString &station, int days)
{
    ResultTable t;
    t.id = station + QStringLiteral("_Analysis");
    t.title = station + QStringLiteral(": daily mean by parameter");
    t.columns = {QStringLiteral("Station"), QStringLiteral("Dates"), QStringLiteral("Data 2"),
                 QStringLiteral("Data 10"), kHostileColumn};
    for (int i = 0; i < days; ++i) {
        std::vector<Cell> row{Cell::str(station), Cell::date(dayMs(2024, 1, 1) + i * qint64(86400000)),
                              Cell::num(1.5 + i), i % 3 == 0 ? Cell::blank() : Cell::num(-0.25 * i),
                              Cell::num(1e-7 * i)};
        t.rows.push_back(std::move(row));
    }
    return t;
}

DashboardInfo sampleInfo()
{
    DashboardInfo info;
    info.fileName = kHostileFile;
    info.sha256 = QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    info.size = 1234567;
    info.datasetType = QStringLiteral("station_readings");
    info.confidence = 0.93;
    info.level = QStringLiteral("high");
    info.mapping = {{QStringLiteral("station"), QStringLiteral("Station_ID")},
                    {QStringLiteral("value"), kHostileColumn},
                    // Long names must wrap at "_" or camelCase, not mid-word (browser check).
                    {QStringLiteral("product_subcategory_description"),
                     QStringLiteral("ProductSubcategoryDescriptionInEnglish")}};
    info.parameters = {{QStringLiteral("aggregation"), QStringLiteral("mean")}};
    info.finpipeVersion = QStringLiteral("9.8.7");
    return info;
}

AnalysisResult sampleResult()
{
    AnalysisResult r;
    r.analysisId = QStringLiteral("station_pivot");
    r.tables.push_back(stationTable(QStringLiteral("CT"), 30));
    r.tables.push_back(stationTable(QStringLiteral("TUS"), 450)); // longer than one page of rows

    ResultTable bars;
    bars.id = QStringLiteral("revenue_by_region");
    bars.title = QStringLiteral("Revenue by region");
    bars.columns = {QStringLiteral("region"), QStringLiteral("currency"), QStringLiteral("revenue")};
    bars.rows.push_back({Cell::str(QStringLiteral("North")), Cell::str(QStringLiteral("EUR")), Cell::num(1200.5)});
    bars.rows.push_back({Cell::str(QStringLiteral("North")), Cell::str(QStringLiteral("USD")), Cell::num(99)});
    bars.rows.push_back({Cell::str(kHostileCell), Cell::str(QStringLiteral("EUR")), Cell::num(-12)});
    bars.rows.push_back({Cell::str(QStringLiteral("Line\u2028break & <b>")), Cell::blank()}); // short row
    r.tables.push_back(std::move(bars));

    for (const QString &station : {QStringLiteral("CT"), QStringLiteral("TUS")}) {
        ChartSpec c;
        c.kind = ChartSpec::Kind::TimeSeries;
        c.tableId = station + QStringLiteral("_Analysis");
        c.title = station;
        c.xColumn = QStringLiteral("Dates");
        c.yColumns = {QStringLiteral("Data 2"), QStringLiteral("Data 10"), kHostileColumn};
        r.charts << c;
    }
    ChartSpec bar;
    bar.kind = ChartSpec::Kind::Bar;
    bar.tableId = QStringLiteral("revenue_by_region");
    bar.title = QStringLiteral("Revenue by region");
    bar.xColumn = QStringLiteral("region");
    bar.yColumns = {QStringLiteral("revenue")};
    r.charts << bar;

    r.quality.id = QStringLiteral("data_quality");
    r.quality.title = QStringLiteral("Data quality checks");
    r.quality.columns = {QStringLiteral("check"), QStringLiteral("column"), QStringLiteral("value")};
    r.quality.rows.push_back({Cell::str(QStringLiteral("blank_rate")), Cell::str(kHostileColumn), Cell::num(0.25)});
    r.alerts << QualityAlert{QualityAlert::Severity::Warning, QStringLiteral("Column ") + kHostileColumn
                                                                 + QStringLiteral(" is 25% blank")};
    r.alerts << QualityAlert{QualityAlert::Severity::Error, QStringLiteral("12 outliers in Data 2")};
    r.warnings << QStringLiteral("Parameter Data 99 is not in the template & was left out");
    r.rowsRead = 1000;
    r.rowsUsed = 990;
    r.rowsSkipped = 10;
    return r;
}

//! The page's own style sheet (the second <style>, after uPlot's).
QString dashboardCss(const QByteArray &html)
{
    const qsizetype first = html.indexOf("<style>");
    const qsizetype start = html.indexOf("<style>", first + 1);
    const qsizetype end = html.indexOf("</style>", start);
    return start < 0 || end < 0 ? QString() : QString::fromUtf8(html.mid(start + 7, end - start - 7));
}

//! The declarations of the first rule whose selector is exactly `selector` (after `from`), with
//! whitespace normalised, e.g. "--if-light: ; --if-dark: initial;".
QString ruleBody(const QString &css, const QString &selector, qsizetype from = 0)
{
    const qsizetype at = css.indexOf(selector + QStringLiteral(" {"), from);
    if (at < 0)
        return {};
    const qsizetype open = css.indexOf(u'{', at);
    const qsizetype close = css.indexOf(u'}', open);
    return css.mid(open + 1, close - open - 1).simplified();
}

//! The text of <script ... id="data"> ... </script>.
QByteArray dataIsland(const QByteArray &html)
{
    const QByteArray open = "<script type=\"application/json\" id=\"data\">";
    const qsizetype start = html.indexOf(open);
    if (start < 0)
        return {};
    const qsizetype end = html.indexOf("</script>", start);
    return html.mid(start + open.size(), end - start - open.size());
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void selfContained()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        // Nothing that a browser would fetch: no remote src/href, no external style sheets,
        // no CSS imports or remote url(), no protocol-relative links.
        static const QRegularExpression remoteAttr(
            QStringLiteral("(?:src|href|action|poster|data)\\s*=\\s*[\"']?\\s*(?:[a-z][a-z0-9+.-]*:)?//"),
            QRegularExpression::CaseInsensitiveOption);
        const QString text = QString::fromUtf8(html);
        QVERIFY2(!remoteAttr.match(text).hasMatch(), qPrintable(remoteAttr.match(text).captured()));
        QVERIFY(!text.contains(QRegularExpression(QStringLiteral("<link\\b"),
                                                  QRegularExpression::CaseInsensitiveOption)));
        QVERIFY(!text.contains(QRegularExpression(QStringLiteral("@import|url\\(\\s*[\"']?\\s*(?:https?:)?//"),
                                                  QRegularExpression::CaseInsensitiveOption)));
        QVERIFY(!html.contains("<script src") && !html.contains("<iframe"));
        // A Content-Security-Policy forbids any fetch even if something slipped through.
        QVERIFY(html.contains("default-src 'none'"));
        // Well under the 1 MB budget for the page without data.
        AnalysisResult empty;
        empty.analysisId = QStringLiteral("profile");
        const QByteArray bare = renderDashboard(DashboardInfo{}, empty);
        QVERIFY2(bare.size() < 300 * 1024, QByteArray::number(bare.size()).constData());
    }

    void chartLibraryEmbedded()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        // uPlot's IIFE build defines the global and ships its stylesheet classes.
        QVERIFY(html.contains("var uPlot=") || html.contains("var uPlot ="));
        QVERIFY(html.contains(".uplot"));
        QVERIFY(html.contains("u-legend"));
        QVERIFY(html.contains("id=\"render-status\""));
        // Three executable scripts (library, page) plus the data island, each closed once.
        QCOMPARE(html.count("<script"), 3);
        QCOMPARE(html.count("</script>"), 3);
    }

    void hostileTextIsEscaped()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        QVERIFY(!html.contains(kHostileColumn.toUtf8()));
        QVERIFY(!html.contains(kHostileCell.toUtf8()));
        QVERIFY(!html.contains("<img"));
        QVERIFY(!html.contains("<b>"));
        QVERIFY(!html.contains("alert(1)</script>"));
        // The header shows the file name and the column name as text.
        QVERIFY(html.contains("<h1 id=\"file-name\">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.csv</h1>"));
        QVERIFY(html.contains("<dt>value</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>"));
        QVERIFY(html.contains("<dt>station</dt><dd>Station_<wbr>ID</dd>"));
        QVERIFY(html.contains("<title>&quot;&gt;&lt;img src=x"));
        // In the data island, < > & and U+2028 are \u escapes.
        const QByteArray island = dataIsland(html);
        QVERIFY(!island.isEmpty());
        QVERIFY(!island.contains('<') && !island.contains('>') && !island.contains('&'));
        QVERIFY(!island.contains("\xe2\x80\xa8"));
        QVERIFY(island.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
        QVERIFY(island.contains("\\u2028"));
    }

    //! Headline cards (bank statements): label, value and detail are text, whatever a file put in them.
    void headlineCardsAreEscaped()
    {
        analysis::AnalysisResult r = sampleResult();
        r.kpis.append({QStringLiteral("Money in (<b>X</b>)"), QStringLiteral("1,234.56"),
                       QStringLiteral("<img src=x onerror=alert(1)>"), analysis::Kpi::Tone::Good});
        r.kpis.append({QStringLiteral("Reconciliation"), QStringLiteral("1 break(s)"), QString(), analysis::Kpi::Tone::Bad});
        const QByteArray html = renderDashboard(sampleInfo(), r);
        QVERIFY(!html.contains("<b>X</b>"));
        QVERIFY(!html.contains("<img"));
        QVERIFY(html.contains("<section id=\"kpis\" class=\"kpis\""));
        QVERIFY(html.contains("<div class=\"kpi tone-good\"><div class=\"kpi-label\">Money in (&lt;b&gt;X&lt;/b&gt;)</div>"
                              "<div class=\"kpi-value\">1,234.56</div><div class=\"kpi-detail\">&lt;img src=x "
                              "onerror=alert(1)&gt;</div></div>"));
        QVERIFY(html.contains("<div class=\"kpi tone-bad\">"));
        // No cards, no section.
        QVERIFY(!renderDashboard(sampleInfo(), sampleResult()).contains("id=\"kpis\""));
    }

    void longHeadlineFiguresAreSetSmaller()
    {
        analysis::AnalysisResult r = sampleResult();
        r.kpis.append({QStringLiteral("Short"), QStringLiteral("1,234.56"), QString(), analysis::Kpi::Tone::Neutral});
        r.kpis.append({QStringLiteral("Long"), QStringLiteral("101,926,413.35"), QString(), analysis::Kpi::Tone::Neutral});
        r.kpis.append({QStringLiteral("Longer"), QStringLiteral("-1,101,926,413.3500"), QString(), analysis::Kpi::Tone::Neutral});
        const QByteArray html = renderDashboard(sampleInfo(), r);
        QVERIFY(html.contains("<div class=\"kpi-value\">1,234.56</div>"));
        QVERIFY(html.contains("<div class=\"kpi-value long\">101,926,413.35</div>"));
        QVERIFY(html.contains("<div class=\"kpi-value longer\">-1,101,926,413.3500</div>"));
    }

    void htmlEscapeHandlesAttributes()
    {
        QCOMPARE(htmlEscape(u"a&b<c>d\"e'f"), QStringLiteral("a&amp;b&lt;c&gt;d&quot;e&#39;f"));
        QByteArray json;
        appendScriptSafeJsonString(json, u"\"\\\n\x01</\u2029");
        QCOMPARE(json, QByteArray("\"\\\"\\\\\\n\\u0001\\u003c/\\u2029\""));
    }

    void embeddedCodeCannotCloseItsElement()
    {
        QCOMPARE(inlineCodeSafe("a='</ScRiPt>';b=\"</style \";c='<!--';d=a<b&&c</x/;"),
                 QByteArray("a='<\\/ScRiPt>';b=\"<\\/style \";c='<\\!--';d=a<b&&c</x/;"));
        QCOMPARE(inlineCodeSafe("x</"), QByteArray("x</"));
        QCOMPARE(inlineCodeSafe(""), QByteArray());
    }

    void dataParsesBack()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(dataIsland(html), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject root = doc.object();
        QCOMPARE(root.value(u"file").toObject().value(u"name").toString(), kHostileFile);
        QCOMPARE(root.value(u"file").toObject().value(u"size").toInteger(), 1234567);
        const QJsonArray tables = root.value(u"tables").toArray();
        QCOMPARE(tables.size(), 3);
        const QJsonObject ct = tables.at(0).toObject();
        QCOMPARE(ct.value(u"id").toString(), QStringLiteral("CT_Analysis"));
        const QJsonArray columns = ct.value(u"columns").toArray();
        QCOMPARE(columns.at(1).toObject().value(u"type").toString(), QStringLiteral("date"));
        QCOMPARE(columns.at(2).toObject().value(u"type").toString(), QStringLiteral("number"));
        QCOMPARE(columns.at(4).toObject().value(u"name").toString(), kHostileColumn);
        const QJsonArray rows = ct.value(u"rows").toArray();
        QCOMPARE(rows.size(), 30);
        // Row 5: 2024-01-06, Data 2 = 6.5, Data 10 = -1.25, hostile = 5e-7 (round-trips exactly).
        const QJsonArray row5 = rows.at(5).toArray();
        QCOMPARE(row5.at(0).toString(), QStringLiteral("CT"));
        QCOMPARE(row5.at(1).toString(), QStringLiteral("2024-01-06"));
        QCOMPARE(row5.at(2).toDouble(), 6.5);
        QCOMPARE(row5.at(3).toDouble(), -1.25);
        QCOMPARE(row5.at(4).toDouble(), 1e-7 * 5);
        QVERIFY(rows.at(3).toArray().at(3).isNull()); // blank stays blank, not 0
        // The short bar row is padded to the header width; the hostile cell round-trips.
        const QJsonArray barRows = tables.at(2).toObject().value(u"rows").toArray();
        QCOMPARE(barRows.at(2).toArray().at(0).toString(), kHostileCell);
        QCOMPARE(barRows.at(3).toArray().size(), 3);
        QVERIFY(barRows.at(3).toArray().at(2).isNull());
        // Charts point at table and column indexes.
        const QJsonArray charts = root.value(u"charts").toArray();
        QCOMPARE(charts.size(), 3);
        QCOMPARE(charts.at(1).toObject().value(u"table").toInt(), 1);
        QCOMPARE(charts.at(1).toObject().value(u"x").toInt(), 1);
        QCOMPARE(charts.at(1).toObject().value(u"y").toArray(), (QJsonArray{2, 3, 4}));
        QCOMPARE(charts.at(2).toObject().value(u"kind").toString(), QStringLiteral("bar"));
        QCOMPARE(root.value(u"alerts").toArray().at(1).toObject().value(u"severity").toString(),
                 QStringLiteral("error"));
        QCOMPARE(root.value(u"quality").toObject().value(u"rows").toArray().size(), 1);
    }

    void datesAndNumbersInTheData()
    {
        AnalysisResult r;
        r.analysisId = QStringLiteral("profile");
        ResultTable t;
        t.id = QStringLiteral("when");
        t.columns = {QStringLiteral("at"), QStringLiteral("value")};
        const qint64 ms = dayMs(2024, 2, 29) + ((13 * 60 + 5) * 60 + 9) * qint64(1000) + 7;
        t.rows.push_back({Cell::dateTime(ms), Cell::num(0.1 + 0.2)});
        t.rows.push_back({Cell::dateTime(dayMs(2024, 3, 1)), Cell::num(-1e-300)});
        t.rows.push_back({Cell::date(dayMs(1969, 12, 31)), Cell::num(std::numeric_limits<double>::quiet_NaN())});
        t.rows.push_back({Cell::date(dayMs(1900, 1, 1)), Cell::num(123456789012.5)});
        r.tables.push_back(t);
        const QByteArray island = dataIsland(renderDashboard(DashboardInfo{}, r));
        const QJsonArray rows = QJsonDocument::fromJson(island).object().value(u"tables").toArray()
                                    .at(0).toObject().value(u"rows").toArray();
        QCOMPARE(rows.at(0).toArray().at(0).toString(), QStringLiteral("2024-02-29 13:05:09.007"));
        QCOMPARE(rows.at(0).toArray().at(1).toDouble(), 0.1 + 0.2); // shortest form still round-trips
        QVERIFY(island.contains("[\"2024-02-29 13:05:09.007\",0.30000000000000004]"));
        QCOMPARE(rows.at(1).toArray().at(0).toString(), QStringLiteral("2024-03-01 00:00:00"));
        QCOMPARE(rows.at(1).toArray().at(1).toDouble(), -1e-300);
        QCOMPARE(rows.at(2).toArray().at(0).toString(), QStringLiteral("1969-12-31"));
        QVERIFY(rows.at(2).toArray().at(1).isNull()); // NaN cannot be JSON: blank
        QCOMPARE(rows.at(3).toArray().at(0).toString(), QStringLiteral("1900-01-01"));
        QCOMPARE(rows.at(3).toArray().at(1).toDouble(), 123456789012.5);
    }

    void headerAndSections()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        QVERIFY(html.contains("id=\"file-sha256\"><code>ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad</code>"));
        QVERIFY(html.contains("1.23 MB (1,234,567 bytes)"));
        QVERIFY(html.contains("<span class=\"badge level-high\" id=\"confidence-level\">high</span>"));
        QVERIFY(html.contains("<span id=\"confidence-value\">93%</span>"));
        QVERIFY(html.contains("<span id=\"finpipe-version\">9.8.7</span>"));
        // Short of certain never reads 100%.
        DashboardInfo nearlySure = sampleInfo();
        nearlySure.confidence = 0.9995;
        QVERIFY(renderDashboard(nearlySure, sampleResult()).contains("<span id=\"confidence-value\">99%</span>"));
        nearlySure.confidence = 1.0;
        QVERIFY(renderDashboard(nearlySure, sampleResult()).contains("<span id=\"confidence-value\">100%</span>"));
        QVERIFY(html.contains("<span id=\"row-counts\">1,000 rows read · 990 used · 10 skipped</span>"));
        QVERIFY(html.contains("data-table-id=\"CT_Analysis\""));
        QVERIFY(html.contains("data-table-id=\"TUS_Analysis\""));
        QVERIFY(html.contains("data-table-id=\"revenue_by_region\""));
        QVERIFY(html.contains("<li class=\"alert severity-error\" data-severity=\"error\">"));
        QVERIFY(html.contains("Parameter Data 99 is not in the template &amp; was left out"));
        QVERIFY(html.contains("@media print"));
        QVERIFY(html.contains("prefers-color-scheme: dark"));
    }

    //! The first screen is the answer: the headline cards come before every table, the file's
    //! hash, size and mapping sit in a closed Provenance section after the data quality, and the
    //! quality section says read = used + skipped with the skipped rows by reason, escaped.
    void answersFirstProvenanceLast()
    {
        AnalysisResult r = sampleResult();
        r.kpis.append({QStringLiteral("Stations"), QStringLiteral("2"), QString(), analysis::Kpi::Tone::Neutral});
        r.quality.columns = {QStringLiteral("check"), QStringLiteral("column"), QStringLiteral("scope"),
                             QStringLiteral("count"), QStringLiteral("rate"), QStringLiteral("example_rows"),
                             QStringLiteral("detail")};
        r.quality.rows.clear();
        r.quality.rows.push_back({Cell::str(QStringLiteral("skipped rows")), Cell::blank(), Cell::str(kHostileCell),
                                  Cell::integer(7), Cell::num(0.007), Cell::str(QStringLiteral("3, 9, …")),
                                  Cell::str(QStringLiteral("d"))});
        r.quality.rows.push_back({Cell::str(QStringLiteral("skipped rows")), Cell::blank(),
                                  Cell::str(QStringLiteral("blank date")), Cell::integer(3), Cell::num(0.003),
                                  Cell::str(QStringLiteral("4")), Cell::str(QStringLiteral("d"))});
        const QString html = QString::fromUtf8(renderDashboard(sampleInfo(), r));
        const qsizetype kpis = html.indexOf(u"id=\"kpis\"");
        const qsizetype firstTable = html.indexOf(u"id=\"table-0\"");
        const qsizetype quality = html.indexOf(u"<section id=\"data-quality\"");
        const qsizetype provenance = html.indexOf(u"<details id=\"provenance\" class=\"card provenance\">");
        const qsizetype hash = html.indexOf(u"id=\"file-sha256\"");
        QVERIFY(kpis > 0);
        QVERIFY(kpis < firstTable);
        QVERIFY(firstTable < quality);
        QVERIFY(quality < provenance);
        QVERIFY(provenance < hash); // the hash is inside the closed section, not in the header
        QVERIFY(html.indexOf(u"id=\"mapping\"") > provenance);
        QVERIFY(html.contains(u"<a href=\"#provenance\">Provenance</a>"));
        QVERIFY(html.contains(u"<strong>1,000</strong> rows read = <strong>990</strong> used + <strong>10</strong> skipped"));
        const qsizetype reasons = html.indexOf(u"id=\"skipped-by-reason\"");
        QVERIFY(reasons > quality);
        QVERIFY(html.indexOf(u"<td class=\"text\">blank date</td><td class=\"num\">3</td><td class=\"text\">4</td>") > reasons);
        QVERIFY(!html.contains(kHostileCell)); // escaped
        QVERIFY(html.contains(u"<td class=\"text\">&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;</td>"));
    }

    //! Numbers for people: every column tells the page how to show its numbers and a readable
    //! header; the names and values themselves stay exact.
    void columnStylesInTheData()
    {
        AnalysisResult r;
        ResultTable t;
        t.id = QStringLiteral("fraud_rate_by_channel");
        t.columns = {QStringLiteral("channel"), QStringLiteral("orders"), QStringLiteral("revenue"),
                     QStringLiteral("fraud_rate_orders"), QStringLiteral("interest_rate"), QStringLiteral("Data 3")};
        t.rows.push_back({Cell::str(QStringLiteral("web")), Cell::integer(1200), Cell::num(12345.678),
                          Cell::num(0.0227), Cell::num(12.5), Cell::num(3.25)});
        r.tables.push_back(t);
        const QJsonArray cols = QJsonDocument::fromJson(dataIsland(renderDashboard(DashboardInfo{}, r)))
                                    .object().value(u"tables").toArray().at(0).toObject().value(u"columns").toArray();
        auto style = [&](int i) { return cols.at(i).toObject().value(u"style").toString(); };
        auto label = [&](int i) { return cols.at(i).toObject().value(u"label").toString(); };
        QCOMPARE(style(0), QStringLiteral("plain"));
        QCOMPARE(style(1), QStringLiteral("count"));
        QCOMPARE(style(2), QStringLiteral("money"));
        QCOMPARE(style(3), QStringLiteral("share"));
        QCOMPARE(style(4), QStringLiteral("plain")); // a rate of the file's own, not a fraction of ours
        QCOMPARE(style(5), QStringLiteral("plain"));
        QCOMPARE(label(3), QStringLiteral("Fraud rate orders"));
        QCOMPARE(label(5), QStringLiteral("Data 3"));
        QCOMPARE(label(2), QStringLiteral("Revenue"));
        QCOMPARE(cols.at(3).toObject().value(u"name").toString(), QStringLiteral("fraud_rate_orders"));
    }

    void hugeTablesAreCappedWithANote()
    {
        DashboardInfo info = sampleInfo();
        info.maxRowsPerTable = 100;
        const QByteArray html = renderDashboard(info, sampleResult());
        const QJsonObject tus = QJsonDocument::fromJson(dataIsland(html))
                                    .object().value(u"tables").toArray().at(1).toObject();
        QCOMPARE(tus.value(u"rows").toArray().size(), 100);
        QCOMPARE(tus.value(u"totalRows").toInteger(), 450);
        QVERIFY(html.contains("This page holds the first 100 rows of this table; all 450 are in "
                              "<code>TUS_Analysis.csv</code>."));
        // The 30-row CT table is below the cap: complete, and no note.
        QVERIFY(!html.contains("all 30 are in"));
    }

    //! Long role and column names get line-break opportunities at sensible points only, and
    //! break opportunities never split an escape.
    void longNamesWrapAtWordParts()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        QVERIFY(html.contains("<dt>product_<wbr>subcategory_<wbr>description</dt>"
                              "<dd>Product<wbr>Subcategory<wbr>Description<wbr>In<wbr>English</dd>"));
        DashboardInfo info;
        info.mapping = {{QStringLiteral("a__b_"), QStringLiteral("x_<b>_yZ & \"q\"")},
                        {QStringLiteral("URLPath"), QStringLiteral("_lead")}};
        info.parameters = {{QStringLiteral("min_coverage"), QStringLiteral("0.5")}};
        AnalysisResult r;
        r.analysisId = QStringLiteral("profile");
        const QByteArray page = renderDashboard(info, r);
        QVERIFY(page.contains("<dt>a__<wbr>b_</dt><dd>x_<wbr>&lt;b&gt;_<wbr>y<wbr>Z &amp; &quot;q&quot;</dd>"));
        QVERIFY(page.contains("<dt>URLPath</dt><dd>_<wbr>lead</dd>")); // no break inside an acronym
        QVERIFY(page.contains("<dl class=\"pairs\" id=\"parameters\"><div class=\"pair\">"
                              "<dt>min_<wbr>coverage</dt><dd>0.5</dd>"));
        // The grid gives each pair room; a column that does not fit moves under its role instead
        // of both being squeezed, and nothing breaks anywhere before trying those points.
        const QString css = dashboardCss(page);
        QVERIFY(ruleBody(css, QStringLiteral(".pair")).contains(u"flex-wrap: wrap"));
        QVERIFY(ruleBody(css, QStringLiteral(".pair dt")).contains(u"overflow-wrap: break-word"));
        QVERIFY(!ruleBody(css, QStringLiteral(".pair dd")).contains(u"anywhere"));
        QVERIFY(ruleBody(css, QStringLiteral(".pairs")).contains(u"minmax(min(100%, 270px), 1fr)"));
    }

    //! The page follows the system unless <html data-theme> forces light or dark, and a forced
    //! theme is the very same palette as the system's (one set of colours, switched by two guards).
    void themeCanBeForced()
    {
        const QByteArray html = renderDashboard(sampleInfo(), sampleResult());
        const QString css = dashboardCss(html);
        QVERIFY(!css.isEmpty());
        const QString light = QStringLiteral("--if-light: initial; --if-dark: ;");
        const QString dark = QStringLiteral("--if-light: ; --if-dark: initial;");
        // Default: light guards; the system's dark preference and data-theme="dark" set the same
        // dark guards, data-theme="light" the light ones (whatever the system prefers).
        QVERIFY(ruleBody(css, QStringLiteral(":root")).startsWith(light));
        const qsizetype media = css.indexOf(u"@media (prefers-color-scheme: dark)");
        QVERIFY(media > 0);
        QCOMPARE(ruleBody(css, QStringLiteral(":root"), media), dark);
        QCOMPARE(ruleBody(css, QStringLiteral(":root[data-theme=\"dark\"]")),
                 dark + QStringLiteral(" color-scheme: dark;"));
        QCOMPARE(ruleBody(css, QStringLiteral(":root[data-theme=\"light\"]")),
                 light + QStringLiteral(" color-scheme: light;"));
        QVERIFY(css.indexOf(u":root[data-theme=\"dark\"]") > media); // later: wins over the system

        // Every colour is a light/dark pair; the palette has both values of the main ones.
        static const QRegularExpression property(QStringLiteral("(--[a-z0-9-]+):([^;]*);"));
        QStringList pairs;
        for (auto it = property.globalMatch(css); it.hasNext();) {
            const auto m = it.next();
            const QString value = m.captured(2);
            if (!value.contains(u"--if-"))
                continue;
            QVERIFY2(value.count(u"var(--if-light,") == 1 && value.count(u"var(--if-dark,") == 1,
                     qPrintable(m.captured(0)));
            pairs << m.captured(1);
        }
        for (const char *name : {"--theme", "--bg", "--card", "--fg", "--muted", "--border", "--grid",
                                 "--accent", "--bar", "--ok", "--warn", "--err", "--series-1", "--series-12"})
            QVERIFY2(pairs.contains(QLatin1StringView(name)), name);
        QVERIFY(css.contains(u"--bg: var(--if-light, #f4f6f9) var(--if-dark, #0f141b);"));
        QVERIFY(css.contains(u"--theme: var(--if-light, light) var(--if-dark, dark);"));
        // No second palette elsewhere: the dark colours appear once.
        QCOMPARE(css.count(u"#0f141b"), 1);

        // The page script reads #theme= from the address and redraws its charts (canvas: their
        // colours are baked in) when data-theme changes; line colours come from the style sheet.
        const QByteArray js = html.mid(html.lastIndexOf("<script>"));
        QVERIFY(js.contains("theme=(light|dark|system)"));
        QVERIFY(js.contains("attributeFilter: ['data-theme']"));
        QVERIFY(js.contains("cssVar('--series-' + (i + 1))"));
        // Still exactly the two hashed scripts: nothing new for the CSP to allow.
        QCOMPARE(html.count("'sha256-"), 2);
    }

    void deterministic()
    {
        QCOMPARE(renderDashboard(sampleInfo(), sampleResult()),
                 renderDashboard(sampleInfo(), sampleResult()));
    }

    void placeholdersInDataStayLiteral()
    {
        AnalysisResult r;
        r.analysisId = QStringLiteral("profile");
        r.warnings << QStringLiteral("{{DATA}} {{UPLOT_JS}}");
        DashboardInfo info;
        info.fileName = QStringLiteral("{{BODY}}.csv");
        const QByteArray html = renderDashboard(info, r);
        QVERIFY(html.contains("<li>{{DATA}} {{UPLOT_JS}}</li>"));
        QVERIFY(html.contains("<h1 id=\"file-name\">{{BODY}}.csv</h1>"));
        QCOMPARE(html.count("var uPlot="), 1);
    }

    void writesAtomically()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("dashboard.html"));
        const auto written = writeDashboard(sampleInfo(), sampleResult(), path);
        QVERIFY2(written.ok(), qPrintable(written.error().toString()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), renderDashboard(sampleInfo(), sampleResult()));
        f.close();
        // Overwriting leaves exactly the new file and no temporary behind.
        AnalysisResult other;
        other.analysisId = QStringLiteral("profile");
        QVERIFY(writeDashboard(sampleInfo(), other, path).ok());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("dashboard.html")});
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("CT_Analysis"));
    }

    //! Used by dashboard_browser_check.sh: writes the sample dashboard where the check opens it.
    void writeSampleForBrowser()
    {
        const QString path = qEnvironmentVariable("FINPIPE_DASHBOARD_SAMPLE");
        if (path.isEmpty())
            QSKIP("FINPIPE_DASHBOARD_SAMPLE not set (only the browser check needs this file)");
        // Headline cards in every tone, one with a hostile label: the browser checks count them
        // and look at them in light and dark.
        AnalysisResult r = sampleResult();
        r.kpis.append({QStringLiteral("Revenue (EUR)"), QStringLiteral("1,234,567.89"), QStringLiteral("2024-01-01 to 2024-12-31"),
                       analysis::Kpi::Tone::Neutral});
        r.kpis.append({QStringLiteral("Fraud rate"), QStringLiteral("2.27 %"), QStringLiteral("227 of 10,000 orders flagged"),
                       analysis::Kpi::Tone::Bad});
        r.kpis.append({QStringLiteral("Change on previous month"), QStringLiteral("+3.4 %"), QString(), analysis::Kpi::Tone::Good});
        r.kpis.append({kHostileColumn, QStringLiteral("12"), kHostileCell, analysis::Kpi::Tone::Neutral});
        const auto written = writeDashboard(sampleInfo(), r, path);
        QVERIFY2(written.ok(), qPrintable(written.error().toString()));
    }

    void writeFailureIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("no-such-folder/dashboard.html"));
        const auto written = writeDashboard(sampleInfo(), sampleResult(), path);
        QVERIFY(!written.ok());
        QVERIFY(written.error().message.contains(QStringLiteral("dashboard.html")));
        QVERIFY(!QFileInfo::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestDashboard)
#include "tst_dashboard.moc"
