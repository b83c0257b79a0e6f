#include "xlsxreader.h"

#include "ingest/fileerrors.h"
#include "ingest/sha256.h"
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

#include <charconv>
#include <cmath>
#include <optional>

namespace finpipe::ingest {

namespace {

//! The whole file is held in memory (it is hashed and unzipped from the same bytes).
constexpr qint64 kMaxFileBytes = 1024ll * 1024 * 1024;
//! Rows looked at when open() decides the columns and their first types.
constexpr int kOpenSampleRows = 2000;

QString plural(qint64 n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1StringView(n == 1 ? one : many));
}

struct SheetEntry {
    QString name;
    QString part;
    QString kind; //!< relationship type: "worksheet", "chartsheet", "dialogsheet", ...
};

//! Things counted while converting cells, reported as warnings after a full read.
struct CellStats {
    qint64 errorCells = 0;
    QString firstError;
    qint64 phantomDates = 0;
    QString firstPhantom;
    qint64 beyondColumns = 0;
    QString firstBeyond;
    qint64 innerBlankRows = 0;
};

ColumnType columnTypeOf(Value::Kind kind)
{
    switch (kind) {
    case Value::Kind::Integer: return ColumnType::Integer;
    case Value::Kind::Decimal: return ColumnType::Decimal;
    case Value::Kind::Date: return ColumnType::Date;
    case Value::Kind::DateTime: return ColumnType::DateTime;
    case Value::Kind::Boolean: return ColumnType::Boolean;
    default: return ColumnType::Text;
    }
}

//! integer -> decimal -> text; date -> datetime; anything else mixed -> text.
void widen(std::optional<ColumnType> &type, Value::Kind kind)
{
    const ColumnType k = columnTypeOf(kind);
    if (!type) {
        type = k;
        return;
    }
    const ColumnType t = *type;
    if (t == k || t == ColumnType::Text)
        return;
    auto either = [&](ColumnType a, ColumnType b) { return (t == a && k == b) || (t == b && k == a); };
    if (either(ColumnType::Integer, ColumnType::Decimal))
        type = ColumnType::Decimal;
    else if (either(ColumnType::Date, ColumnType::DateTime))
        type = ColumnType::DateTime;
    else
        type = ColumnType::Text;
}

class XlsxReader final : public TableReader
{
public:
    XlsxReader(QString path, ReadOptions options) : m_path(std::move(path)), m_options(std::move(options))
    {
        m_name = displayName(m_path);
    }

    Result<void> open();

    const SourceInfo &info() const override { return m_info; }
    const QList<ColumnInfo> &columns() const override { return m_columns; }
    Result<bool> readBatch(RowBatch &batch, Feedback *feedback) override;
    Result<bool> readSample(RowBatch &batch, int maxRows) override;
    qint64 rowsRead() const override { return m_rowsRead; }

private:
    //! A pass over the chosen sheet, positioned after the header row.
    struct Cursor {
        std::unique_ptr<SheetScanner> scanner;
        RawRow row;
        qint64 lastRow = 0;
        CellStats stats;
    };

    Result<QByteArray> readPart(const QString &part);
    Result<void> loadWorkbook();
    Result<void> chooseSheet();
    Result<void> readHeader();
    Result<std::unique_ptr<Cursor>> openCursor();
    //! The next non-blank data row of `c`, or false at the end.
    Result<bool> nextDataRow(Cursor &c);
    Result<void> emitRow(Cursor &c, RowBatch &batch, bool trackTypes);
    bool isBlank(const RawCell &cell) const;
    Result<void> convert(const RawCell &cell, qint64 row, Value &v, RowBatch &batch, CellStats &stats) const;
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

    qint64 m_headerRow = 0;
    int m_width = 0;
    std::unique_ptr<Cursor> m_main;
    qint64 m_rowsRead = 0;
    bool m_finished = false;
};

Result<QByteArray> XlsxReader::readPart(const QString &part)
{
    ZipLimits limits{m_options.maxUncompressedBytes - m_inflatedParts, m_options.maxCompressionRatio,
                     m_options.maxUncompressedBytes};
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
    if (!m_zip->find(workbookPart)) {
        if (m_zip->find(QStringLiteral("xl/workbook.bin")))
            return Error::make(Error::Code::Unsupported,
                               QStringLiteral("\"%1\" is an Excel binary workbook (.xlsb), which finpipe does "
                                              "not read. Open it in Excel and save it as .xlsx, then try again.")
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
    if (!m_stringsPart.isEmpty() && m_zip->find(m_stringsPart)) {
        auto xml = readPart(m_stringsPart);
        if (!xml)
            return xml.error();
        if (auto ok = m_strings.parse(*xml); !ok.ok())
            return partDamaged(m_stringsPart, ok.error().detail);
    }
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
    auto c = std::make_unique<Cursor>();
    c->scanner = std::make_unique<SheetScanner>(std::move(*stream), m_name, m_sheetName, m_options.maxCells);
    c->lastRow = m_headerRow;
    return c;
}

bool XlsxReader::isBlank(const RawCell &cell) const
{
    switch (cell.type) {
    case RawCell::Type::Error:
        return true;
    case RawCell::Type::Boolean:
        return cell.value.empty();
    case RawCell::Type::SharedString: {
        size_t index = 0;
        const auto [p, ec] = std::from_chars(cell.value.data(), cell.value.data() + cell.value.size(), index);
        // A bad index is not blank: converting it reports the damage.
        return ec == std::errc() && index < m_strings.size() && m_strings.at(index).empty();
    }
    default:
        return cell.value.empty();
    }
}

Result<bool> XlsxReader::nextDataRow(Cursor &c)
{
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
        c.stats.innerBlankRows += c.row.number - c.lastRow - 1;
        c.lastRow = c.row.number;
        return true;
    }
}

Result<void> XlsxReader::convert(const RawCell &cell, qint64 row, Value &v, RowBatch &batch, CellStats &stats) const
{
    auto setText = [&](std::string_view s) {
        if (s.empty())
            return; // empty strings are blanks (raw exports store blanks that way)
        v.kind = Value::Kind::Text;
        v.text = batch.store(s);
    };
    switch (cell.type) {
    case RawCell::Type::SharedString: {
        size_t index = 0;
        const auto [p, ec] = std::from_chars(cell.value.data(), cell.value.data() + cell.value.size(), index);
        if (ec != std::errc() || index >= m_strings.size())
            return Error::make(Error::Code::Corrupt,
                               QStringLiteral("Sheet \"%1\" in \"%2\" is damaged: cell %3 refers to text that is "
                                              "missing from the workbook.")
                                   .arg(m_sheetName, m_name, cellName(cell.column, row)),
                               QStringLiteral("shared string index %1 of %2")
                                   .arg(QString::fromStdString(cell.value))
                                   .arg(m_strings.size()));
        setText(m_strings.at(index));
        return {};
    }
    case RawCell::Type::InlineString:
    case RawCell::Type::FormulaString:
        setText(cell.value);
        return {};
    case RawCell::Type::Boolean:
        if (cell.value.empty())
            return {};
        v.kind = Value::Kind::Boolean;
        v.number = (cell.value == "1" || cell.value == "true") ? 1 : 0;
        v.text = v.number != 0 ? std::string_view("TRUE") : std::string_view("FALSE");
        return {};
    case RawCell::Type::Error:
        if (stats.errorCells++ == 0)
            stats.firstError = cellName(cell.column, row);
        return {};
    case RawCell::Type::IsoDate: {
        const QDateTime dt = QDateTime::fromString(QString::fromStdString(cell.value), Qt::ISODateWithMs);
        if (!dt.isValid()) {
            setText(cell.value);
            return {};
        }
        const QDateTime naive(dt.date(), dt.time(), Qt::UTC);
        v.msecs = naive.toMSecsSinceEpoch();
        const bool withTime = dt.time() != QTime(0, 0);
        v.kind = withTime ? Value::Kind::DateTime : Value::Kind::Date;
        char buf[32];
        v.text = batch.store({buf, ExcelDate::format(v.msecs, withTime, buf)});
        return {};
    }
    case RawCell::Type::Number:
        break;
    }
    if (cell.value.empty())
        return {};
    double x = 0;
    const char *begin = cell.value.data();
    const char *end = begin + cell.value.size();
    const auto [p, ec] = std::from_chars(begin, end, x);
    if (ec != std::errc() || p != end || !std::isfinite(x)) {
        setText(cell.value); // not a number after all: keep what the file says
        return {};
    }
    if (const DateFormat fmt = m_styles.dateFormat(cell.style); fmt != DateFormat::None) {
        if (auto ms = ExcelDate::toMsecs(x, m_date1904)) {
            qint64 msecs = *ms;
            const qint64 day = ExcelDate::kMsecsPerDay;
            // A date-only format shows the day; a time part hidden by the format is not data.
            if (fmt == DateFormat::Date)
                msecs -= ((msecs % day) + day) % day;
            const bool withTime = msecs % day != 0;
            v.kind = withTime ? Value::Kind::DateTime : Value::Kind::Date;
            v.msecs = msecs;
            v.number = x;
            char buf[32];
            v.text = batch.store({buf, ExcelDate::format(msecs, withTime, buf)});
            return {};
        }
        if (!m_date1904 && x >= 60 && x < 61) {
            if (stats.phantomDates++ == 0)
                stats.firstPhantom = cellName(cell.column, row);
            return {};
        }
        // Out of Excel's date range: Excel shows #####; keep the number.
    }
    v.number = x;
    v.kind = (x == std::trunc(x) && std::fabs(x) < 9007199254740992.0) ? Value::Kind::Integer : Value::Kind::Decimal;
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    v.text = batch.store({buf, size_t(res.ptr - buf)});
    return {};
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
        if (trackTypes && v.kind != Value::Kind::Blank) {
            const auto before = m_types[size_t(cell.column)];
            widen(m_types[size_t(cell.column)], v.kind);
            if (m_types[size_t(cell.column)] != before)
                m_columns[cell.column].type = *m_types[size_t(cell.column)];
        }
    }
    return {};
}

Result<void> XlsxReader::readHeader()
{
    auto cursor = openCursor();
    if (!cursor)
        return cursor.error();
    Cursor &c = **cursor;
    c.lastRow = 0;
    // The header is the first row with anything in it (row 1 in a plain export).
    auto found = nextDataRow(c);
    if (!found)
        return found.error();
    if (!*found)
        return Error::make(Error::Code::Format,
                           QStringLiteral("Sheet \"%1\" in \"%2\" is empty: it has no rows to read.")
                               .arg(m_sheetName, m_name));
    if (const QString dim = c.scanner->dimension(); !dim.isEmpty()) {
        for (const QString &corner : dim.split(u':'))
            if (parseCellRef(corner).beyondGrid)
                return Error::make(Error::Code::TooLarge,
                                   QStringLiteral("Sheet \"%1\" in \"%2\" declares a size of %3, beyond Excel's "
                                                  "limit of 1,048,576 rows and 16,384 columns. The file is damaged "
                                                  "or was not made by a spreadsheet program.")
                                       .arg(m_sheetName, m_name, dim.left(40)));
    }
    m_headerRow = c.row.number;
    RawRow header = c.row;
    int width = 0;
    for (int i = 0; i < header.count; ++i)
        if (!isBlank(header.cells[size_t(i)]))
            width = std::max(width, header.cells[size_t(i)].column + 1);

    // Data wider than the header still gets columns, named "Column N".
    c.lastRow = m_headerRow;
    for (int n = 0; n < kOpenSampleRows; ++n) {
        auto more = nextDataRow(c);
        if (!more)
            return more.error();
        if (!*more)
            break;
        for (int i = 0; i < c.row.count; ++i)
            if (!isBlank(c.row.cells[size_t(i)]))
                width = std::max(width, c.row.cells[size_t(i)].column + 1);
    }
    m_width = width;

    RowBatch names;
    names.reset(width);
    Value *cells = names.appendRow(m_headerRow);
    CellStats ignored;
    for (int i = 0; i < header.count; ++i) {
        const RawCell &cell = header.cells[size_t(i)];
        if (cell.column < width)
            if (auto r = convert(cell, m_headerRow, cells[cell.column], names, ignored); !r.ok())
                return r;
    }
    QHash<QString, int> seen;
    for (int col = 0; col < width; ++col) {
        QString name = cells[col].toString().trimmed();
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
    m_types.assign(size_t(width), std::nullopt);
    m_info.skippedLines = int(m_headerRow - 1);

    // First column types from the opening rows; readBatch() widens them as it goes.
    RowBatch sample;
    if (auto r = readSample(sample, kOpenSampleRows); !r.ok())
        return r.error();
    for (int row = 0; row < sample.rowCount(); ++row)
        for (int col = 0; col < width; ++col)
            if (!sample.at(row, col).isBlank())
                widen(m_types[size_t(col)], sample.at(row, col).kind);
    for (int col = 0; col < width; ++col)
        m_columns[col].type = m_types[size_t(col)].value_or(ColumnType::Text);
    return {};
}

Result<void> XlsxReader::open()
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
    // Read once: the same bytes are hashed and unzipped.
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return readError(file);
    if (bytes.size() != size)
        if (auto r = checkUnchanged(file, size, modified); !r.ok())
            return r.error();
    m_info.path = m_path;
    m_info.format = FileFormat::Xlsx;
    // Workbook parts are XML in UTF-8 (UTF-16 parts are refused as damaged).
    m_info.encoding = QStringLiteral("UTF-8");
    m_info.size = bytes.size();
    m_info.hasHeader = true;
    if (m_options.computeHash) {
        Sha256 hash;
        hash.update(bytes.constData(), size_t(bytes.size()));
        m_info.sha256 = hash.finishHex();
    }

    auto zip = ZipArchive::open(std::move(bytes), m_name);
    if (!zip)
        return zip.error();
    m_zip = std::move(*zip);
    if (auto r = loadWorkbook(); !r.ok())
        return r;
    if (auto r = chooseSheet(); !r.ok())
        return r;
    return readHeader();
}

Result<bool> XlsxReader::readSample(RowBatch &batch, int maxRows)
{
    batch.reset(m_width);
    auto cursor = openCursor();
    if (!cursor)
        return cursor.error();
    Cursor &c = **cursor;
    while (batch.rowCount() < maxRows) {
        auto more = nextDataRow(c);
        if (!more)
            return more.error();
        if (!*more)
            break;
        if (auto r = emitRow(c, batch, false); !r.ok())
            return r.error();
    }
    return batch.rowCount() > 0;
}

void XlsxReader::finish()
{
    m_finished = true;
    const CellStats &s = m_main->stats;
    if (s.errorCells)
        m_info.warnings.append(QStringLiteral("Sheet \"%1\": %2 held Excel errors such as #N/A or #DIV/0! "
                                              "(the first at %3); they were read as blanks.")
                                   .arg(m_sheetName, plural(s.errorCells, "cell", "cells"), s.firstError));
    if (s.phantomDates)
        m_info.warnings.append(QStringLiteral("Sheet \"%1\": %2 showed 29 February 1900, a day that never "
                                              "existed (an old Excel quirk), at %3 first; read as blanks.")
                                   .arg(m_sheetName, plural(s.phantomDates, "cell", "cells"), s.firstPhantom));
    if (s.beyondColumns)
        m_info.warnings.append(QStringLiteral("Sheet \"%1\": %2 to the right of the table (the first at %3) "
                                              "%4 ignored.")
                                   .arg(m_sheetName, plural(s.beyondColumns, "value", "values"), s.firstBeyond,
                                        s.beyondColumns == 1 ? QStringLiteral("was") : QStringLiteral("were")));
    if (s.innerBlankRows)
        m_info.warnings.append(QStringLiteral("Sheet \"%1\": %2 between the data %3 skipped.")
                                   .arg(m_sheetName, plural(s.innerBlankRows, "empty row", "empty rows"),
                                        s.innerBlankRows == 1 ? QStringLiteral("was") : QStringLiteral("were")));
    m_main.reset();
}

Result<bool> XlsxReader::readBatch(RowBatch &batch, Feedback *feedback)
{
    batch.reset(m_width);
    if (m_finished)
        return false;
    if (!m_main) {
        auto cursor = openCursor();
        if (!cursor)
            return cursor.error();
        m_main = std::move(*cursor);
    }
    if (feedback)
        feedback->setPhase("Reading");
    const int limit = std::max(1, m_options.batchRows);
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
        if (auto r = emitRow(*m_main, batch, true); !r.ok())
            return r.error();
        ++m_rowsRead;
    }
    if (feedback)
        feedback->setRows(m_rowsRead);
    return batch.rowCount() > 0;
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
