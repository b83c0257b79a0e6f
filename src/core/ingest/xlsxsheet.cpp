#include "xlsxsheet.h"

namespace finpipe::ingest {

QString columnLetters(int column)
{
    QString s;
    for (int c = column + 1; c > 0; c = (c - 1) / 26)
        s.prepend(QChar(u'A' + (c - 1) % 26));
    return s;
}

QString cellName(int column, qint64 row)
{
    return columnLetters(column) + QString::number(row);
}

CellRef parseCellRef(QStringView s)
{
    CellRef ref;
    qsizetype i = 0;
    const qsizetype n = s.size();
    if (i < n && s[i] == u'$')
        ++i;
    qint64 column = 0;
    bool letters = false;
    for (; i < n; ++i) {
        const char16_t c = s[i].unicode();
        const int letter = c >= u'A' && c <= u'Z' ? c - u'A' : c >= u'a' && c <= u'z' ? c - u'a' : -1;
        if (letter < 0)
            break;
        letters = true;
        column = std::min<qint64>(column * 26 + letter + 1, qint64(1) << 40);
    }
    if (i < n && s[i] == u'$')
        ++i;
    qint64 row = 0;
    bool digits = false;
    for (; i < n; ++i) {
        const char16_t c = s[i].unicode();
        if (c < u'0' || c > u'9')
            break;
        digits = true;
        row = std::min<qint64>(row * 10 + (c - u'0'), qint64(1) << 40);
    }
    ref.valid = i == n && (letters || digits);
    ref.beyondGrid = column > kExcelMaxColumns || row > kExcelMaxRows;
    ref.column = letters ? int(std::min<qint64>(column, kExcelMaxColumns + 1) - 1) : -1;
    ref.row = digits ? std::min(row, kExcelMaxRows + 1) : 0;
    return ref;
}

SheetScanner::SheetScanner(std::unique_ptr<ZipEntryStream> stream, QString fileName, QString sheetName,
                           qint64 maxCells)
    : m_stream(std::move(stream)),
      m_fileName(std::move(fileName)),
      m_sheetName(std::move(sheetName)),
      m_maxCells(maxCells)
{
}

Error SheetScanner::damaged(const QString &detail) const
{
    const QString where = m_lastRow > 0 ? QStringLiteral(" near row %1").arg(m_lastRow) : QString();
    return Error::make(Error::Code::Corrupt,
                       QStringLiteral("Sheet \"%1\" in \"%2\" is damaged: its contents could not be read%3. "
                                      "Open the file in Excel to repair it, or get a fresh copy.")
                           .arg(m_sheetName, m_fileName, where),
                       detail);
}

Error SheetScanner::beyondGrid(const QString &what) const
{
    return Error::make(Error::Code::TooLarge,
                       QStringLiteral("Sheet \"%1\" in \"%2\" refers to %3, beyond Excel's limit of "
                                      "1,048,576 rows and 16,384 columns (column XFD). The file is damaged "
                                      "or was not made by a spreadsheet program.")
                           .arg(m_sheetName, m_fileName, what.left(50)));
}

Result<void> SheetScanner::startRow(RawRow &row)
{
    const QStringView r = m_xml.attributes().value(QLatin1StringView("r"));
    qint64 number = m_lastRow + 1;
    if (!r.isEmpty()) {
        bool ok = false;
        number = r.toLongLong(&ok);
        if (!ok || number < 1)
            return damaged(QStringLiteral("row number \"%1\"").arg(r.left(40)));
    }
    if (number > kExcelMaxRows)
        return beyondGrid(QStringLiteral("row %1").arg(number));
    row.number = number;
    row.count = 0;
    m_lastRow = number;
    m_lastColumn = -1;
    m_inRow = true;
    return {};
}

Result<void> SheetScanner::startCell(RawRow &row)
{
    if (++m_cells > m_maxCells)
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("Sheet \"%1\" in \"%2\" has more than %3 cells, over finpipe's "
                                          "safety limit. Split the data into smaller files.")
                               .arg(m_sheetName, m_fileName)
                               .arg(m_maxCells));
    const auto attrs = m_xml.attributes();
    int column = m_lastColumn + 1;
    if (const QStringView r = attrs.value(QLatin1StringView("r")); !r.isEmpty()) {
        const CellRef ref = parseCellRef(r);
        if (ref.beyondGrid)
            return beyondGrid(QStringLiteral("cell ") + r.toString());
        if (!ref.valid || ref.column < 0)
            return damaged(QStringLiteral("cell reference \"%1\"").arg(r.left(40)));
        column = ref.column;
    }
    if (column >= kExcelMaxColumns)
        return beyondGrid(QStringLiteral("cell ") + cellName(column, m_lastRow));
    m_lastColumn = column;

    if (size_t(row.count) == row.cells.size())
        row.cells.emplace_back();
    RawCell &cell = row.cells[size_t(row.count++)];
    cell.column = column;
    cell.value.clear();
    cell.style = attrs.value(QLatin1StringView("s")).toInt();
    const QStringView t = attrs.value(QLatin1StringView("t"));
    if (t.isEmpty() || t == u"n")
        cell.type = RawCell::Type::Number;
    else if (t == u"s")
        cell.type = RawCell::Type::SharedString;
    else if (t == u"inlineStr")
        cell.type = RawCell::Type::InlineString;
    else if (t == u"str")
        cell.type = RawCell::Type::FormulaString;
    else if (t == u"b")
        cell.type = RawCell::Type::Boolean;
    else if (t == u"e")
        cell.type = RawCell::Type::Error;
    else if (t == u"d")
        cell.type = RawCell::Type::IsoDate;
    else
        return damaged(QStringLiteral("cell %1 has unknown type \"%2\"").arg(cellName(column, m_lastRow), t.left(20)));
    m_cell = &cell;
    return {};
}

Result<bool> SheetScanner::next(RawRow &row)
{
    if (m_done)
        return false;
    for (;;) {
        switch (m_xml.readNext()) {
        case QXmlStreamReader::Invalid: {
            if (m_xml.error() != QXmlStreamReader::PrematureEndOfDocumentError)
                return damaged(QStringLiteral("%1 (line %2, column %3)")
                                   .arg(m_xml.errorString())
                                   .arg(m_xml.lineNumber())
                                   .arg(m_xml.columnNumber()));
            if (m_eof)
                return damaged(QStringLiteral("the sheet ends early"));
            QByteArray chunk(256 * 1024, Qt::Uninitialized);
            auto n = m_stream->read(chunk.data(), chunk.size());
            if (!n)
                return n.error();
            if (*n == 0) {
                m_eof = true;
                continue;
            }
            chunk.truncate(qsizetype(*n));
            m_xml.addData(chunk);
            break;
        }
        case QXmlStreamReader::StartElement: {
            const QStringView name = m_xml.name();
            if (m_inRow) {
                if (name == u"c") {
                    if (auto r = startCell(row); !r.ok())
                        return r.error();
                } else if (m_cell && name == u"v") {
                    m_capture = true;
                } else if (m_cell && name == u"is") {
                    m_inInline = true;
                } else if (m_inInline && name == u"rPh") {
                    m_inPhonetic = true; // phonetic guides are not part of the text
                } else if (m_inInline && !m_inPhonetic && name == u"t") {
                    m_capture = true;
                }
            } else if (m_inData) {
                if (name == u"row") {
                    if (auto r = startRow(row); !r.ok())
                        return r.error();
                }
            } else if (name == u"sheetData") {
                m_inData = true;
            } else if (name == u"dimension") {
                m_dimension = m_xml.attributes().value(QLatin1StringView("ref")).toString();
            }
            break;
        }
        case QXmlStreamReader::EndElement: {
            const QStringView name = m_xml.name();
            if (name == u"v" || name == u"t") {
                m_capture = false;
            } else if (name == u"rPh") {
                m_inPhonetic = false;
            } else if (name == u"is") {
                m_inInline = false;
            } else if (name == u"c") {
                m_cell = nullptr;
            } else if (m_inRow && name == u"row") {
                m_inRow = false;
                return true;
            } else if (name == u"sheetData" || name == u"worksheet") {
                m_done = true;
                return false;
            }
            break;
        }
        case QXmlStreamReader::Characters:
            if (m_capture && m_cell) {
                const QStringView text = m_xml.text();
                // <v> holds ASCII numbers and indexes almost always; skip the UTF-8 round trip then.
                bool ascii = true;
                for (QChar c : text)
                    ascii = ascii && c.unicode() < 0x80;
                if (ascii) {
                    for (QChar c : text)
                        m_cell->value.push_back(char(c.unicode()));
                } else {
                    m_cell->value += text.toUtf8().toStdString();
                }
            }
            break;
        case QXmlStreamReader::EndDocument:
            m_done = true;
            return false;
        default:
            break;
        }
    }
}

} // namespace finpipe::ingest
