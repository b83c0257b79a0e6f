#include "xlsxparts.h"

#include <QStringList>
#include <QXmlStreamReader>

#include <cstring>

namespace finpipe::ingest {

QString resolvePart(const QString &baseDir, const QString &target)
{
    const QString joined = target.startsWith(u'/') ? target.mid(1) : baseDir + target;
    QStringList out;
    for (const QString &seg : joined.split(u'/', Qt::SkipEmptyParts)) {
        if (seg == u"..") {
            if (!out.isEmpty())
                out.removeLast();
        } else if (seg != u".") {
            out.append(seg);
        }
    }
    return out.join(u'/');
}

QString folderOf(const QString &part)
{
    const qsizetype slash = part.lastIndexOf(u'/');
    return slash < 0 ? QString() : part.left(slash + 1);
}

Result<QHash<QString, Relationship>> parseRelationships(const QByteArray &xml, const QString &baseDir)
{
    QHash<QString, Relationship> rels;
    QXmlStreamReader r(xml);
    while (!r.atEnd()) {
        if (r.readNext() == QXmlStreamReader::StartElement && r.name() == u"Relationship") {
            const auto a = r.attributes();
            if (a.value(QLatin1StringView("TargetMode")) == u"External")
                continue;
            const QStringView type = a.value(QLatin1StringView("Type"));
            rels.insert(a.value(QLatin1StringView("Id")).toString(),
                        {type.mid(type.lastIndexOf(u'/') + 1).toString(),
                         resolvePart(baseDir, a.value(QLatin1StringView("Target")).toString())});
        }
    }
    if (r.hasError())
        return Error::make(Error::Code::Corrupt, QString(), r.errorString());
    return rels;
}

bool truncateToExcelCell(std::string &utf8, int maxChars)
{
    if (utf8.size() <= size_t(maxChars))
        return false; // fewer bytes than the limit: fewer characters too
    qint64 units = 0;
    for (size_t i = 0; i < utf8.size();) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        const int width = len == 4 ? 2 : 1; // a character beyond U+FFFF is two UTF-16 units
        if (units + width > maxChars) {
            utf8.resize(i);
            return true;
        }
        units += width;
        i += len;
    }
    return false;
}

void SharedStrings::store(const std::string &text)
{
    if (m_used + text.size() > kBlock) {
        m_blocks.push_back(std::make_unique<char[]>(kBlock));
        m_used = 0;
    }
    const quint64 offset = quint64(m_blocks.size() - 1) * kBlock + m_used;
    if (!text.empty())
        std::memcpy(m_blocks.back().get() + m_used, text.data(), text.size());
    m_used += text.size();
    m_textBytes += qint64(text.size());
    m_items.push_back(Item{offset, text.size()});
}

Result<void> SharedStrings::read(ZipEntryStream &stream, const QString &fileName, const SharedStringLimits &limits)
{
    // Fed a chunk at a time; QXmlStreamReader reports a premature end until the next chunk.
    constexpr qint64 kChunk = 256 * 1024;
    // One token (a text run, a tag) longer than this is not from a spreadsheet program: Excel's
    // cells hold at most 32,767 characters. The parser would buffer it whole.
    constexpr qint64 kMaxToken = 16 * 1024 * 1024;
    QXmlStreamReader r;
    QByteArray chunk(kChunk, Qt::Uninitialized);
    bool inItem = false, inText = false, inPhonetic = false, truncated = false, ended = false;
    qint64 sinceToken = 0;
    std::string current;
    qsizetype currentUnits = 0; // UTF-16 code units, as Excel counts characters
    auto tooLarge = [&](const QString &what) {
        return Error::make(Error::Code::TooLarge,
                           QStringLiteral("\"%1\" was not read: its shared text %2, over finpipe's safety "
                                          "limit for a workbook. The file is damaged or was not made by a "
                                          "spreadsheet program; if you trust it, open it in Excel and save "
                                          "the sheet you need as CSV.")
                               .arg(fileName, what),
                           stream.entry().name);
    };
    for (;;) {
        const QXmlStreamReader::TokenType token = r.readNext();
        if (token == QXmlStreamReader::Invalid) {
            if (r.error() != QXmlStreamReader::PrematureEndOfDocumentError || ended)
                break;
            auto n = stream.read(chunk.data(), kChunk);
            if (!n)
                return n.error();
            if (*n == 0) {
                ended = true;
                continue; // the parser reports the real premature end, if any
            }
            sinceToken += *n;
            if (sinceToken > kMaxToken)
                return tooLarge(QStringLiteral("holds one piece of more than 16 MB"));
            r.addData(QByteArray(chunk.constData(), qsizetype(*n)));
            continue;
        }
        sinceToken = 0;
        if (token == QXmlStreamReader::EndDocument)
            break;
        switch (token) {
        case QXmlStreamReader::StartElement: {
            const QStringView n = r.name();
            if (n == u"si") {
                inItem = true;
                truncated = false;
                current.clear();
                currentUnits = 0;
            } else if (n == u"rPh") {
                inPhonetic = true;
            } else if (inItem && !inPhonetic && n == u"t") {
                inText = true;
            }
            break;
        }
        case QXmlStreamReader::EndElement: {
            const QStringView n = r.name();
            if (n == u"si" && inItem) {
                inItem = false;
                if (qint64(m_items.size()) >= limits.maxItems)
                    return tooLarge(QStringLiteral("has more than %1 items").arg(limits.maxItems));
                if (m_textBytes + qint64(current.size()) > limits.maxTextBytes)
                    return tooLarge(QStringLiteral("is larger than %1 MB").arg(limits.maxTextBytes / (1024 * 1024)));
                if (truncated && m_truncated++ == 0)
                    m_firstTruncated = qint64(m_items.size());
                store(current);
            } else if (n == u"rPh") {
                inPhonetic = false;
            } else if (n == u"t") {
                inText = false;
            }
            break;
        }
        case QXmlStreamReader::Characters:
            if (inText && !truncated) {
                // Longer than Excel allows: keep what Excel would, drop the rest as it comes.
                QStringView text = r.text();
                if (currentUnits + text.size() > kExcelMaxCellChars) {
                    qsizetype keep = kExcelMaxCellChars - currentUnits;
                    if (keep > 0 && text[keep - 1].isHighSurrogate())
                        --keep; // never half a character
                    text = text.left(keep);
                    truncated = true;
                }
                currentUnits += text.size();
                current += text.toUtf8().toStdString();
            }
            break;
        default:
            break;
        }
    }
    if (r.hasError())
        return Error::make(Error::Code::Corrupt, QString(), r.errorString());
    // Read to the end so that the entry's checksum is verified.
    if (auto done = stream.skipToEnd(); !done.ok())
        return done.error();
    return {};
}

} // namespace finpipe::ingest
