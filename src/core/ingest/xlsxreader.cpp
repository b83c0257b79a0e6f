#include "xlsxreader.h"

#include "ingest/fileerrors.h"
#include "ingest/sha256.h"
#include "ingest/xlsxcells.h"
#include "ingest/xlsxparts.h"
#include "ingest/xlsxsheet.h"
#include "ingest/xlsxstyles.h"
#include "ingest/ziparchive.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLocale>
#include <QXmlStreamReader>

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <new>
#include <cmath>
#include <optional>

namespace finpipe::ingest {

namespace {

//! Larger files are refused: no workbook Excel writes is near it, and hashing and unzipping
//! one would take minutes (memory does not grow with it: the zip is read from the file).
constexpr qint64 kMaxFileBytes = 1024ll * 1024 * 1024;
//! Rows looked at when open() decides the columns and their first types.
constexpr int kOpenSampleRows = 2000;
//! Cells one batch or sample may hold (80 MB of values): a sheet as wide as Excel allows gets
//! fewer rows per batch instead of gigabytes of mostly empty cells.
constexpr qint64 kMaxBatchCells = 2'000'000;
//! Most bytes a part read whole (not streamed) may inflate to.
constexpr qint64 kMaxHeldPartBytes = 64ll * 1024 * 1024;

QString plural(qint64 n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1StringView(n == 1 ? one : many));
}

struct SheetEntry {
    QString name;
    QString part;
    QString kind; //!< relationship type: "worksheet", "chartsheet", "dialogsheet", ...
};

class XlsxReader final : public TableReader
{
public:
    XlsxReader(QString path, ReadOptions options) : m_path(std::move(path)), m_options(std::move(options))
    {
        m_name = displayName(m_path);
    }

    Result<void> open()
    {
        try {
            return orChanged(openWorkbook());
        } catch (const std::bad_alloc &) {
            return outOfMemory();
        }
    }

    const SourceInfo &info() const override { return m_info; }
    const QList<ColumnInfo> &columns() const override { return m_columns; }
    Result<bool> readBatch(RowBatch &batch, Feedback *feedback) override;
    Result<bool> readSample(RowBatch &batch, int maxRows) override
    {
        try {
            return orChanged(sampleRows(batch, maxRows));
        } catch (const std::bad_alloc &) {
            return outOfMemory();
        }
    }
    //! A file that changed while it was read may look damaged in any way (bad XML, absurd
    //! cells): the change is then what the analyst is told.
    template<typename T>
    Result<T> orChanged(Result<T> r) const
    {
        if (r.ok() || !m_zip || r.error().code == Error::Code::Cancelled)
            return r;
        return m_zip->orChanged(r.error());
    }
    //! A workbook that needs more memory than there is is refused, never a crash.
    Error outOfMemory() const
    {
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("\"%1\" could not be read: finpipe ran out of memory reading it. The "
                                          "workbook is too large for this computer or damaged; save the sheet "
                                          "you need as CSV and open that instead.")
                               .arg(m_name));
    }
    qint64 rowsRead() const override { return m_rowsRead; }

private:
    //! A pass over the chosen sheet, positioned after the header row.
    struct Cursor {
        explicit Cursor(const XlsxReader *reader) : boundary(&XlsxReader::blankIn, reader) {}
        std::unique_ptr<SheetScanner> scanner;
        RawRow row;
        qint64 lastRow = 0;
        //! The rows from here to row.number - 1 were left out (blank, or missing from the file).
        qint64 gapFrom = 0;
        CellStats stats;
        //! Stop at a further table below this one (not while looking for the header).
        bool detectTables = true;
        TableBoundary boundary;
        qint64 tableRows = 0;
        //! The row where another table starts, once met; the data ends there.
        qint64 anotherTableAt = 0;
        //! Rows that may be a footer ("Total", "*** END ***"), held until a data row follows them
        //! (then they are data) or the table ends (then they are the footer); with their gaps.
        std::vector<std::pair<RawRow, qint64>> pending;
        std::deque<std::pair<RawRow, qint64>> ready;
        std::vector<std::pair<RawRow, qint64>> footers;
    };
    //! The next row with content of the table (nextDataRow without footers).
    Result<bool> nextRow(Cursor &c);
    bool mayBeFooter(const Cursor &c) const;
    static bool blankIn(const void *reader, const RawCell &cell)
    {
        return static_cast<const XlsxReader *>(reader)->m_cells.isBlank(cell);
    }
    //! After the table: records where further tables start and leaves every row from the first
    //! of them to the sheet's last row with content out (AfterTable), reading the sheet to its end.
    Result<void> skipFurtherTables(Cursor &c, RowBatch &batch);

    Result<void> openWorkbook();
    Result<bool> readRows(RowBatch &batch, Feedback *feedback);
    Result<bool> sampleRows(RowBatch &batch, int maxRows);
    Result<QByteArray> readPart(const QString &part);
    Result<void> loadWorkbook();
    Result<void> chooseSheet();
    Result<void> readHeader();
    Result<void> readSharedStrings();
    //! Records a row left out of the table in info().skipped (and in `batch`, when given).
    void noteSkipped(qint64 row, SkipReason reason, RowBatch *batch);
    Result<std::unique_ptr<Cursor>> openCursor();
    //! The next non-blank data row of `c`, or false at the end.
    Result<bool> nextDataRow(Cursor &c);
    Result<void> emitRow(Cursor &c, RowBatch &batch, bool trackTypes);
    bool isBlank(const RawCell &cell) const { return m_cells.isBlank(cell); }
    Result<void> convert(const RawCell &cell, qint64 row, Value &v, RowBatch &batch, CellStats &stats) const
    {
        return m_cells.convert(cell, row, v, batch, stats);
    }
    void finish();

    Error partDamaged(const QString &part, const QString &detail) const
    {
        return Error::make(Error::Code::Corrupt,
                           QStringLiteral("\"%1\" is damaged: a part of the workbook could not be read. "
                                          "Open it in Excel to repair it, or get a fresh copy.")
                               .arg(m_name),
                           part + QStringLiteral(": ") + detail);
    }

    QString m_path;
    QString m_name;
    ReadOptions m_options;
    SourceInfo m_info;
    QList<ColumnInfo> m_columns;
    std::vector<std::optional<ColumnType>> m_types;

    std::shared_ptr<ZipArchive> m_zip;
    qint64 m_inflatedParts = 0;
    QList<SheetEntry> m_allSheets;
    QString m_sheetPart;
    QString m_sheetName;
    bool m_date1904 = false;
    XlsxStyles m_styles;
    SharedStrings m_strings;
    QString m_stylesPart;
    QString m_stringsPart;
    CellConverter m_cells{m_styles, m_strings};

    qint64 m_headerRow = 0;    //!< the table's first row (its header, when it has one)
    qint64 m_firstDataRow = 0; //!< the header row + 1, or the first row itself without a header
    bool m_aboveHandedOut = false;
    int m_width = 0;
    std::unique_ptr<Cursor> m_main;
    qint64 m_rowsRead = 0;
    bool m_finished = false;
};

Result<QByteArray> XlsxReader::readPart(const QString &part)
{
    // Parts held whole (relationships, the workbook, styles) are small in any real workbook; a
    // cap keeps a crafted one from filling memory. Sheets and shared strings are streamed.
    const qint64 budget = m_options.maxUncompressedBytes - m_inflatedParts;
    ZipLimits limits{std::min(budget, kMaxHeldPartBytes), m_options.maxCompressionRatio,
                     budget < kMaxHeldPartBytes ? m_options.maxUncompressedBytes : kMaxHeldPartBytes};
    auto data = m_zip->readAll(part, limits);
    if (data)
        m_inflatedParts += data->size();
    return data;
}

Result<void> XlsxReader::loadWorkbook()
{
    // The package relationships name the workbook part; most writers use xl/workbook.xml.
    QString workbookPart = QStringLiteral("xl/workbook.xml");
    if (m_zip->find(QStringLiteral("_rels/.rels"))) {
        auto relsXml = readPart(QStringLiteral("_rels/.rels"));
        if (!relsXml)
            return relsXml.error();
        auto rels = parseRelationships(*relsXml, QString());
        if (!rels)
            return partDamaged(QStringLiteral("_rels/.rels"), rels.error().detail);
        for (const Relationship &rel : std::as_const(*rels))
            if (rel.type == u"officeDocument" && m_zip->find(rel.target))
                workbookPart = rel.target;
    }
    if (!m_zip->find(workbookPart) || workbookPart.endsWith(QLatin1StringView(".bin"), Qt::CaseInsensitive)) {
        if (m_zip->find(QStringLiteral("xl/workbook.bin")) || workbookPart.endsWith(QLatin1StringView(".bin"), Qt::CaseInsensitive))
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is an Excel binary workbook (.xlsb), a format finpipe does "
                                              "not read yet. Open it in Excel and save it as .xlsx, then try again.")
                                   .arg(m_name));
        bool openDocument = m_zip->find(QStringLiteral("content.xml")) && m_zip->find(QStringLiteral("META-INF/manifest.xml"));
        if (const auto *mime = m_zip->find(QStringLiteral("mimetype")); mime && mime->compressedSize < 4096) {
            auto type = readPart(QStringLiteral("mimetype"));
            openDocument = openDocument || (type && type->startsWith("application/vnd.oasis.opendocument"));
        }
        if (openDocument)
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is an OpenDocument spreadsheet (.ods), a format finpipe does "
                                              "not read yet. Open it in LibreOffice or Excel and save it as .xlsx, "
                                              "then try again.")
                                   .arg(m_name));
        if (m_zip->find(QStringLiteral("word/document.xml")))
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is a Word document, not an Excel workbook.").arg(m_name));
        if (m_zip->find(QStringLiteral("ppt/presentation.xml")))
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is a PowerPoint presentation, not an Excel workbook.").arg(m_name));
        return Error::make(Error::Code::Format,
                           QStringLiteral("\"%1\" is a zip archive, not an Excel workbook: there is no "
                                          "workbook inside it. If it holds the file you meant, extract "
                                          "that file first.")
                               .arg(m_name),
                           QStringLiteral("no %1 among %2 entries").arg(workbookPart).arg(m_zip->entryCount()));
    }

    const QString base = folderOf(workbookPart);
    const QString relsPart = base + QStringLiteral("_rels/") + workbookPart.mid(base.size()) + QStringLiteral(".rels");
    QHash<QString, Relationship> rels;
    if (m_zip->find(relsPart)) {
        auto relsXml = readPart(relsPart);
        if (!relsXml)
            return relsXml.error();
        auto parsed = parseRelationships(*relsXml, base);
        if (!parsed)
            return partDamaged(relsPart, parsed.error().detail);
        rels = std::move(*parsed);
    }
    for (const Relationship &rel : std::as_const(rels)) {
        if (rel.type == u"styles")
            m_stylesPart = rel.target;
        else if (rel.type == u"sharedStrings")
            m_stringsPart = rel.target;
    }

    auto wbXml = readPart(workbookPart);
    if (!wbXml)
        return wbXml.error();
    QXmlStreamReader r(*wbXml);
    while (!r.atEnd()) {
        if (r.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QStringView n = r.name();
        const auto a = r.attributes();
        if (n == u"workbookPr") {
            const QStringView v = a.value(QLatin1StringView("date1904"));
            m_date1904 = v == u"1" || v == u"true";
        } else if (n == u"sheet") {
            // r:id lives in the relationships namespace; match it by local name.
            QString id;
            for (const auto &attr : a)
                if (attr.name() == u"id")
                    id = attr.value().toString();
            const auto rel = rels.constFind(id);
            SheetEntry e{a.value(QLatin1StringView("name")).toString(), QString(), QStringLiteral("worksheet")};
            if (rel != rels.constEnd()) {
                e.part = rel->target;
                e.kind = rel->type;
            } else if (!rels.isEmpty()) {
                e.kind = QStringLiteral("missing");
            }
            m_allSheets.append(e);
        }
    }
    if (r.hasError())
        return partDamaged(workbookPart, r.errorString());
    m_cells.setWorkbook(m_name, m_date1904);

    // Writers that leave out the workbook relationships still use the conventional names.
    if (rels.isEmpty()) {
        for (int i = 0; i < m_allSheets.size(); ++i)
            m_allSheets[i].part = base + QStringLiteral("worksheets/sheet%1.xml").arg(i + 1);
        m_stylesPart = base + QStringLiteral("styles.xml");
        m_stringsPart = base + QStringLiteral("sharedStrings.xml");
    }
    for (const SheetEntry &e : std::as_const(m_allSheets))
        if (e.kind == u"worksheet")
            m_info.sheets.append(e.name);

    if (!m_stylesPart.isEmpty() && m_zip->find(m_stylesPart)) {
        auto xml = readPart(m_stylesPart);
        if (!xml)
            return xml.error();
        auto styles = XlsxStyles::parse(*xml);
        if (!styles)
            return partDamaged(m_stylesPart, styles.error().detail);
        m_styles = std::move(*styles);
    }
    return readSharedStrings();
}

Result<void> XlsxReader::readSharedStrings()
{
    if (m_stringsPart.isEmpty() || !m_zip->find(m_stringsPart))
        return {};
    // Streamed: the text kept is bounded (SharedStringLimits), whatever the XML inflates to.
    ZipLimits limits{m_options.maxUncompressedBytes - m_inflatedParts, m_options.maxCompressionRatio,
                     m_options.maxUncompressedBytes};
    auto stream = m_zip->openStream(m_stringsPart, limits);
    if (!stream)
        return stream.error();
    auto ok = m_strings.read(**stream, m_name);
    m_inflatedParts += (*stream)->inflated();
    if (!ok.ok())
        return ok.error().message.isEmpty() ? partDamaged(m_stringsPart, ok.error().detail) : ok.error();
    return {};
}

Result<void> XlsxReader::chooseSheet()
{
    QStringList quoted;
    for (const QString &s : std::as_const(m_info.sheets))
        quoted.append(u'"' + s + u'"');
    const QString available = quoted.join(QStringLiteral(", "));
    if (m_info.sheets.isEmpty())
        return Error::make(Error::Code::Format,
                           QStringLiteral("\"%1\" has no worksheets with data (only charts or other "
                                          "kinds of sheet).")
                               .arg(m_name));

    const QString wanted = m_options.sheet.trimmed();
    const SheetEntry *chosen = nullptr;
    auto worksheet = [&](const QString &name) -> const SheetEntry * {
        for (const SheetEntry &e : std::as_const(m_allSheets))
            if (e.kind == u"worksheet" && e.name == name)
                return &e;
        return nullptr;
    };
    if (wanted.isEmpty()) {
        chosen = worksheet(m_info.sheets.front());
    } else if (const SheetEntry *exact = worksheet(wanted)) {
        chosen = exact;
    } else {
        for (const SheetEntry &e : std::as_const(m_allSheets))
            if (e.kind == u"worksheet" && e.name.compare(wanted, Qt::CaseInsensitive) == 0)
                chosen = &e;
        bool isIndex = false;
        const int index = wanted.toInt(&isIndex);
        if (!chosen && isIndex) {
            if (index < 1 || index > m_info.sheets.size())
                return Error::make(Error::Code::Invalid,
                                   QStringLiteral("\"%1\" has no worksheet number %2: it has %3 (%4).")
                                       .arg(m_name)
                                       .arg(index)
                                       .arg(plural(m_info.sheets.size(), "worksheet", "worksheets"), available));
            chosen = worksheet(m_info.sheets[index - 1]);
        }
        if (!chosen) {
            for (const SheetEntry &e : std::as_const(m_allSheets))
                if (e.name.compare(wanted, Qt::CaseInsensitive) == 0)
                    return Error::make(Error::Code::Invalid,
                                       QStringLiteral("\"%2\" in \"%1\" is a %3, not a worksheet with data. "
                                                      "Its worksheets are: %4.")
                                           .arg(m_name, e.name,
                                                e.kind == u"chartsheet" ? QStringLiteral("chart sheet")
                                                                        : QStringLiteral("special sheet"),
                                                available));
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("\"%1\" has no worksheet called \"%2\". Its worksheets are: %3.")
                                   .arg(m_name, wanted, available));
        }
    }
    m_sheetName = chosen->name;
    m_cells.setSheet(m_sheetName);
    m_sheetPart = chosen->part;
    m_info.sheet = m_sheetName;
    if (!m_zip->find(m_sheetPart))
        return Error::make(Error::Code::Corrupt,
                           QStringLiteral("\"%1\" is damaged: the contents of sheet \"%2\" are missing.")
                               .arg(m_name, m_sheetName),
                           m_sheetPart);
    return {};
}

Result<std::unique_ptr<XlsxReader::Cursor>> XlsxReader::openCursor()
{
    ZipLimits limits{m_options.maxUncompressedBytes - m_inflatedParts, m_options.maxCompressionRatio,
                     m_options.maxUncompressedBytes};
    auto stream = m_zip->openStream(m_sheetPart, limits);
    if (!stream)
        return stream.error();
    auto c = std::make_unique<Cursor>(this);
    c->scanner = std::make_unique<SheetScanner>(std::move(*stream), m_name, m_sheetName, m_options.maxCells);
    c->lastRow = m_firstDataRow - 1;
    return c;
}

bool XlsxReader::mayBeFooter(const Cursor &c) const
{
    if (!c.detectTables || c.tableRows == 0)
        return false;
    int count = 0;
    const RawCell *first = nullptr;
    bool wordOverNumbers = false;
    for (int i = 0; i < c.row.count; ++i) {
        const RawCell &cell = c.row.cells[size_t(i)];
        if (isBlank(cell))
            continue;
        ++count;
        if (!first)
            first = &cell;
        wordOverNumbers = TableBoundary::isText(cell) && c.boundary.typedOnly(cell.column);
    }
    if (!first)
        return false;
    // "Total", "Subtotal", "Grand total", "Sum" first: a summary row under the data.
    const QString lead = QString::fromUtf8(m_cells.textOf(*first).substr(0, 40)).trimmed().toLower();
    for (const char *word : {"total", "subtotal", "sub-total", "grand total", "sum"}) {
        const QLatin1StringView w(word);
        if (lead.startsWith(w) && (lead.size() == w.size() || !lead[w.size()].isLetter()))
            return true;
    }
    // One word in a column of numbers or dates, or under a footer: "*** END ***", "Source: ...".
    return count == 1 && (wordOverNumbers || (!c.pending.empty() && TableBoundary::isText(*first)));
}

Result<bool> XlsxReader::nextDataRow(Cursor &c)
{
    constexpr size_t kMaxFooterRows = 20;
    for (;;) {
        if (!c.ready.empty()) {
            c.row = std::move(c.ready.front().first);
            c.gapFrom = c.ready.front().second;
            c.ready.pop_front();
            c.boundary.add(c.row);
            return true;
        }
        auto more = nextRow(c);
        if (!more)
            return more;
        if (!*more) {
            c.footers = std::move(c.pending);
            c.pending.clear();
            return false;
        }
        if (mayBeFooter(c) && c.pending.size() < kMaxFooterRows) {
            c.pending.emplace_back(c.row, c.gapFrom);
            continue;
        }
        if (c.pending.empty()) {
            c.boundary.add(c.row);
            return true;
        }
        // Rows after them: what looked like a footer is data.
        for (auto &p : c.pending)
            c.ready.push_back(std::move(p));
        c.pending.clear();
        c.ready.emplace_back(c.row, c.gapFrom);
    }
}

Result<bool> XlsxReader::nextRow(Cursor &c)
{
    if (c.anotherTableAt)
        return false;
    for (;;) {
        auto more = c.scanner->next(c.row);
        if (!more || !*more)
            return more;
        if (c.row.number <= c.lastRow)
            continue; // the header, anything above it, or a repeated row number
        bool blank = true;
        for (int i = 0; i < c.row.count && blank; ++i)
            blank = isBlank(c.row.cells[size_t(i)]);
        if (blank)
            continue; // a declared range larger than the data, or empty rows between data
        if (c.detectTables && c.tableRows > 0 && c.row.number > c.lastRow + 1 && c.boundary.startsAnotherTable(c.row)) {
            c.anotherTableAt = c.row.number;
            return false;
        }
        if (c.detectTables)
            ++c.tableRows;
        c.stats.innerBlankRows += c.row.number - c.lastRow - 1;
        c.gapFrom = c.lastRow + 1;
        c.lastRow = c.row.number;
        return true;
    }
}

Result<void> XlsxReader::emitRow(Cursor &c, RowBatch &batch, bool trackTypes)
{
    Value *cells = batch.appendRow(c.row.number);
    for (int i = 0; i < c.row.count; ++i) {
        const RawCell &cell = c.row.cells[size_t(i)];
        if (cell.column >= m_width) {
            if (!isBlank(cell) && c.stats.beyondColumns++ == 0)
                c.stats.firstBeyond = cellName(cell.column, c.row.number);
            continue;
        }
        Value &v = cells[cell.column];
        v = Value{};
        if (auto r = convert(cell, c.row.number, v, batch, c.stats); !r.ok())
            return r;
        if (trackTypes && v.kind != Value::Kind::Blank && v.kind != Value::Kind::Error) {
            const auto before = m_types[size_t(cell.column)];
            widenType(m_types[size_t(cell.column)], v.kind);
            if (m_types[size_t(cell.column)] != before)
                m_columns[cell.column].type = *m_types[size_t(cell.column)];
        }
    }
    return {};
}

void XlsxReader::noteSkipped(qint64 row, SkipReason reason, RowBatch *batch)
{
    if (batch)
        batch->addSkipped(row, reason);
    auto it = std::find_if(m_info.skipped.begin(), m_info.skipped.end(),
                           [&](const SkippedSummary &s) { return s.reason >= reason; });
    if (it == m_info.skipped.end() || it->reason != reason)
        it = m_info.skipped.insert(it, SkippedSummary{reason, 0, {}});
    ++it->count;
    if (it->examples.size() < 10)
        it->examples.append(row);
}

Result<void> XlsxReader::readHeader()
{
    auto cursor = openCursor();
    if (!cursor)
        return cursor.error();
    Cursor &c = **cursor;
    c.lastRow = 0;
    c.detectTables = false; // the header is not known yet
    // The opening rows with anything in them: where each is and how wide it is. The first few are
    // kept whole: the header is among them, below any block of metadata.
    constexpr size_t kMaxRowsAbove = 50;
    struct Shape {
        qint64 row = 0;
        int width = 0; //!< up to the last column with a value
        int count = 0; //!< cells with a value
    };
    std::vector<Shape> shapes;
    std::vector<RawRow> heads;
    for (int n = 0; n < kOpenSampleRows; ++n) {
        auto more = nextDataRow(c);
        if (!more)
            return more.error();
        if (!*more)
            break;
        Shape shape{c.row.number, 0, 0};
        for (int i = 0; i < c.row.count; ++i)
            if (!isBlank(c.row.cells[size_t(i)])) {
                shape.width = std::max(shape.width, c.row.cells[size_t(i)].column + 1);
                ++shape.count;
            }
        shapes.push_back(shape);
        if (heads.size() <= kMaxRowsAbove)
            heads.push_back(c.row);
        if (n == 0) {
            if (const QString dim = c.scanner->dimension(); !dim.isEmpty()) {
                for (const QString &corner : dim.split(u':'))
                    if (parseCellRef(corner).beyondGrid)
                        return Error::make(Error::Code::TooLarge,
                                           QStringLiteral("Sheet \"%1\" in \"%2\" declares a size of %3, beyond Excel's "
                                                          "limit of 1,048,576 rows and 16,384 columns. The file is damaged "
                                                          "or was not made by a spreadsheet program.")
                                               .arg(m_sheetName, m_name, dim.left(40)));
            }
        }
    }
    if (shapes.empty())
        return Error::make(Error::Code::Format,
                           QStringLiteral("Sheet \"%1\" in \"%2\" is empty: it has no rows to read.")
                               .arg(m_sheetName, m_name));

    // The table's width: the most common one among the opening rows (the wider on a tie).
    std::map<int, int> widths;
    for (const Shape &sh : shapes)
        ++widths[sh.width];
    int tableWidth = 0, best = 0;
    for (const auto &[w, n] : widths)
        if (n >= best) {
            tableWidth = w;
            best = n;
        }
    int headWidth = 0;
    for (const Shape &sh : shapes)
        headWidth = std::max(headWidth, sh.width);
    RowBatch head;
    head.reset(headWidth);
    CellStats ignored;
    for (const RawRow &raw : heads) {
        Value *cells = head.appendRow(raw.number);
        for (int i = 0; i < raw.count; ++i)
            if (raw.cells[size_t(i)].column < headWidth)
                if (auto r = convert(raw.cells[size_t(i)], raw.number, cells[raw.cells[size_t(i)].column], head, ignored); !r.ok())
                    return r;
    }
    // Rows narrower than the table with one or two values ("Account name:", "ACME") above a row
    // that reads as a header (words only, at least two) are metadata, not the table.
    size_t first = 0;
    auto shortRow = [&](const Shape &sh) {
        return sh.width < tableWidth && (sh.count <= 2 || sh.width <= tableWidth / 2);
    };
    while (tableWidth > 1 && first + 1 < shapes.size() && first < kMaxRowsAbove && shortRow(shapes[first]))
        ++first;
    if (first > 0) {
        bool words = shapes[first].count >= 2;
        for (int col = 0; col < headWidth && words; ++col) {
            const Value::Kind k = head.at(int(first), col).kind;
            words = k == Value::Kind::Blank || k == Value::Kind::Text;
        }
        if (!words)
            first = 0;
    }
    m_headerRow = shapes[first].row;
    int width = 0;
    for (size_t i = first; i < shapes.size(); ++i)
        width = std::max(width, shapes[i].width); // data wider than the header gets columns too
    m_width = width;
    m_info.skippedLines = int(m_headerRow - 1);
    for (qint64 row = 1; row < m_headerRow; ++row)
        noteSkipped(row, SkipReason::AboveHeader, nullptr);
    if (first > 0)
        m_info.warnings.append(QStringLiteral("Sheet \"%1\": skipped %2 above the table (rows 1 to %3): they do "
                                              "not have the table's %4 columns.")
                                   .arg(m_sheetName, plural(m_headerRow - 1, "row", "rows"))
                                   .arg(m_headerRow - 1)
                                   .arg(tableWidth));

    // Header or data: compare the first row with a sample of the rows below it.
    RowBatch firstRow;
    firstRow.reset(width);
    Value *names = firstRow.appendRow(m_headerRow);
    for (int col = 0; col < std::min(width, headWidth); ++col) {
        const Value &v = head.at(int(first), col);
        names[col] = v;
        if (!v.text.empty())
            names[col].text = firstRow.store(v.text);
    }
    m_firstDataRow = m_headerRow + 1;
    RowBatch sample;
    if (auto r = readSample(sample, kOpenSampleRows); !r.ok())
        return r.error();
    m_info.hasHeader = firstRowIsHeader(firstRow, sample);
    if (!m_info.hasHeader) {
        m_firstDataRow = m_headerRow;
        m_info.warnings.append(QStringLiteral("Sheet \"%1\": no header row was found (the first row holds data like "
                                              "the rows below it); the columns are named Column 1 to Column %2.")
                                   .arg(m_sheetName)
                                   .arg(width));
    }

    QHash<QString, int> seen;
    for (int col = 0; col < width; ++col) {
        QString name = m_info.hasHeader ? names[col].toString().trimmed() : QString();
        if (name.isEmpty())
            name = QStringLiteral("Column %1").arg(col + 1);
        if (seen.contains(name)) {
            const QString original = name;
            int n = 2;
            while (seen.contains(QStringLiteral("%1 (%2)").arg(original).arg(n)))
                ++n;
            name = QStringLiteral("%1 (%2)").arg(original).arg(n);
            m_info.warnings.append(QStringLiteral("Sheet \"%1\": column %2 has the same heading \"%3\" as column %4; "
                                                  "it is called \"%5\" here.")
                                       .arg(m_sheetName, columnLetters(col), original,
                                            columnLetters(seen.value(original)), name));
        }
        seen.insert(name, col);
        m_columns.append({name, ColumnType::Text});
    }

    // First column types from the opening rows; readBatch() widens them as it goes.
    m_types.assign(size_t(width), std::nullopt);
    for (int row = 0; row < sample.rowCount(); ++row)
        for (int col = 0; col < width; ++col)
            widenType(m_types[size_t(col)], sample.at(row, col).kind);
    if (!m_info.hasHeader)
        for (int col = 0; col < width; ++col)
            widenType(m_types[size_t(col)], names[col].kind);
    for (int col = 0; col < width; ++col)
        m_columns[col].type = m_types[size_t(col)].value_or(ColumnType::Text);
    return {};
}

Result<void> XlsxReader::openWorkbook()
{
    QFile file(m_path);
    if (auto r = openForReading(file); !r.ok())
        return r.error();
    const QFileInfo fi(m_path);
    const qint64 size = file.size();
    const QDateTime modified = fi.lastModified();
    if (size > kMaxFileBytes || size > m_options.maxUncompressedBytes)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("\"%1\" is %2, larger than finpipe reads as an Excel workbook. "
                                          "Save the sheet you need as CSV and open that instead.")
                               .arg(m_name, QLocale::c().formattedDataSize(size, 1, QLocale::DataSizeTraditionalFormat)));
    m_info.path = m_path;
    m_info.format = FileFormat::Xlsx;
    // Workbook parts are XML in UTF-8 (UTF-16 parts are refused as damaged).
    m_info.encoding = QStringLiteral("UTF-8");
    m_info.size = size;
    if (m_options.computeHash) {
        // A streaming pass of its own: the zip is read entry by entry, in no useful order for
        // hashing. The archive checks that the file stays as hashed until the last part is read.
        Sha256 hash;
        std::vector<char> buffer(1 << 20);
        for (qint64 n; (n = file.read(buffer.data(), qint64(buffer.size()))) != 0;) {
            if (n < 0)
                return readError(file);
            hash.update(buffer.data(), size_t(n));
        }
        if (auto r = checkUnchanged(file, size, modified); !r.ok())
            return r.error();
        m_info.sha256 = hash.finishHex();
    }
    file.close();

    auto zip = ZipArchive::open(m_path, m_name, size, modified);
    if (!zip)
        return zip.error();
    m_zip = std::move(*zip);
    if (auto r = loadWorkbook(); !r.ok())
        return r;
    if (auto r = chooseSheet(); !r.ok())
        return r;
    return readHeader();
}

Result<bool> XlsxReader::sampleRows(RowBatch &batch, int maxRows)
{
    batch.reset(m_width);
    auto cursor = openCursor();
    if (!cursor)
        return cursor.error();
    Cursor &c = **cursor;
    maxRows = int(std::min<qint64>(maxRows, std::max<qint64>(1, kMaxBatchCells / std::max(m_width, 1))));
    while (batch.rowCount() < maxRows) {
        auto more = nextDataRow(c);
        if (!more)
            return more.error();
        if (!*more)
            break;
        if (auto r = emitRow(c, batch, false); !r.ok())
            return r.error();
    }
    if (c.anotherTableAt && !m_info.moreTablesAt.contains(c.anotherTableAt))
        m_info.moreTablesAt.append(c.anotherTableAt); // known early when it is among the first rows
    return batch.rowCount() > 0;
}

Result<void> XlsxReader::skipFurtherTables(Cursor &c, RowBatch &batch)
{
    if (!c.anotherTableAt)
        return {};
    if (!m_info.moreTablesAt.contains(c.anotherTableAt))
        m_info.moreTablesAt.append(c.anotherTableAt);
    // Each further table's first row is its header: its data rows decide where the next starts.
    TableBoundary table(&XlsxReader::blankIn, this);
    qint64 last = c.row.number, rows = 0;
    for (;;) {
        auto more = c.scanner->next(c.row);
        if (!more)
            return more.error();
        if (!*more)
            break;
        bool blank = true;
        for (int i = 0; i < c.row.count && blank; ++i)
            blank = isBlank(c.row.cells[size_t(i)]);
        if (blank || c.row.number <= last)
            continue;
        const bool gap = c.row.number > last + 1;
        last = c.row.number;
        if (rows > 0 && gap && table.startsAnotherTable(c.row)) {
            if (!m_info.moreTablesAt.contains(c.row.number))
                m_info.moreTablesAt.append(c.row.number);
            table.reset();
            rows = 0;
            continue;
        }
        table.add(c.row);
        ++rows;
    }
    for (qint64 row = c.anotherTableAt; row <= last; ++row)
        noteSkipped(row, SkipReason::AfterTable, &batch);
    QStringList starts;
    for (qint64 at : std::as_const(m_info.moreTablesAt))
        starts.append(QString::number(at));
    m_info.warnings.append(QStringLiteral("Sheet \"%1\": another table starts at row %2; only the first table "
                                          "(rows %3 to %4) was read.")
                               .arg(m_sheetName, starts.join(QStringLiteral(", ")))
                               .arg(m_headerRow)
                               .arg(c.lastRow));
    return {};
}

void XlsxReader::finish()
{
    m_finished = true;
    m_info.warnings.append(m_main->stats.warnings(m_sheetName));
    if (m_strings.truncatedCount())
        m_info.warnings.append(QStringLiteral("\"%1\": %2 of the workbook's shared text held more than Excel's "
                                              "32,767 characters; cut to that length.")
                                   .arg(m_name, plural(m_strings.truncatedCount(), "item", "items")));
    m_main.reset();
}

Result<bool> XlsxReader::readBatch(RowBatch &batch, Feedback *feedback)
{
    try {
        return orChanged(readRows(batch, feedback));
    } catch (const std::bad_alloc &) {
        return outOfMemory();
    }
}

Result<bool> XlsxReader::readRows(RowBatch &batch, Feedback *feedback)
{
    batch.reset(m_width);
    if (m_finished)
        return false;
    if (!m_aboveHandedOut) {
        // Counted in info().skipped at open(); handed out with the first batch.
        m_aboveHandedOut = true;
        for (qint64 row = 1; row < m_headerRow; ++row)
            batch.addSkipped(row, SkipReason::AboveHeader);
    }
    if (!m_main) {
        auto cursor = openCursor();
        if (!cursor)
            return cursor.error();
        m_main = std::move(*cursor);
    }
    if (feedback)
        feedback->setPhase("Reading");
    const int limit = int(std::clamp<qint64>(kMaxBatchCells / std::max(m_width, 1), 1, std::max(1, m_options.batchRows)));
    while (batch.rowCount() < limit) {
        if (feedback && (batch.rowCount() & 1023) == 0) {
            if (feedback->isCancelled())
                return Error::make(Error::Code::Cancelled,
                                   QStringLiteral("Reading \"%1\" was cancelled.").arg(m_name));
            feedback->setProgress(m_main->scanner->compressedDone(), m_main->scanner->compressedTotal());
            feedback->setRows(m_rowsRead);
        }
        auto more = nextDataRow(*m_main);
        if (!more)
            return more.error();
        if (!*more) {
            if (!m_main->footers.empty()) {
                const RawRow &first = m_main->footers.front().first;
                for (const auto &[row, gapFrom] : m_main->footers) {
                    for (qint64 blank = gapFrom; blank < row.number; ++blank)
                        noteSkipped(blank, SkipReason::Blank, &batch);
                    noteSkipped(row.number, SkipReason::Footer, &batch);
                }
                m_info.warnings.append(QStringLiteral("Sheet \"%1\": %2 under the data (from row %3) %4 like a "
                                                      "footer, not data, and %5 left out.")
                                           .arg(m_sheetName,
                                                plural(qint64(m_main->footers.size()), "row", "rows"))
                                           .arg(first.number)
                                           .arg(m_main->footers.size() == 1 ? QStringLiteral("reads")
                                                                            : QStringLiteral("read"),
                                                m_main->footers.size() == 1 ? QStringLiteral("was")
                                                                            : QStringLiteral("were")));
            }
            if (auto r = skipFurtherTables(*m_main, batch); !r.ok())
                return r.error();
            if (feedback)
                feedback->setProgress(m_main->scanner->compressedTotal(), m_main->scanner->compressedTotal());
            finish();
            break;
        }
        if ((m_rowsRead + 1) * qint64(std::max(m_width, 1)) > m_options.maxCells)
            return Error::make(Error::Code::TooLarge,
                               QStringLiteral("Sheet \"%1\" in \"%2\" has more than %3 cells, over finpipe's "
                                              "safety limit. Split the data into smaller files.")
                                   .arg(m_sheetName, m_name)
                                   .arg(m_options.maxCells));
        for (qint64 row = m_main->gapFrom; row < m_main->row.number; ++row)
            noteSkipped(row, SkipReason::Blank, &batch);
        if (auto r = emitRow(*m_main, batch, true); !r.ok())
            return r.error();
        ++m_rowsRead;
    }
    if (feedback)
        feedback->setRows(m_rowsRead);
    return batch.rowCount() > 0 || !batch.skipped().empty();
}

} // namespace

Result<std::unique_ptr<TableReader>> openXlsx(const QString &path, const ReadOptions &options)
{
    auto reader = std::make_unique<XlsxReader>(path, options);
    if (auto r = reader->open(); !r.ok())
        return r.error();
    return std::unique_ptr<TableReader>(std::move(reader));
}

} // namespace finpipe::ingest
