#pragma once

#include "common/result.h"
#include "ingest/ziparchive.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace finpipe::ingest {

//! "xl/worksheets/../sharedStrings.xml" -> "xl/sharedStrings.xml"; "/xl/x.xml" -> "xl/x.xml".
QString resolvePart(const QString &baseDir, const QString &target);
//! "xl/workbook.xml" -> "xl/".
QString folderOf(const QString &part);

//! One entry of an OOXML .rels part.
struct Relationship {
    QString type; //!< the last segment of the type URI: "worksheet", "chartsheet", "styles", ...
    QString target;
};

//! Parses a .rels part (Id -> relationship); targets are resolved against `baseDir` and types are
//! reduced to their last path segment so that transitional and strict OOXML both match.
//! On malformed XML the Error's detail says why.
Result<QHash<QString, Relationship>> parseRelationships(const QByteArray &xml, const QString &baseDir);

//! Excel's limit on the text of one cell, in UTF-16 code units as Excel counts characters.
inline constexpr int kExcelMaxCellChars = 32'767;

//! Cuts UTF-8 text to at most `maxChars` characters counted as Excel counts them (UTF-16 code
//! units), never inside a character. Returns true when it cut something.
bool truncateToExcelCell(std::string &utf8, int maxChars = kExcelMaxCellChars);

//! What a workbook's shared strings may hold before finpipe refuses it: a workbook whose strings
//! inflate without bound would otherwise exhaust memory (a zip bomb aimed at this part).
struct SharedStringLimits {
    qint64 maxTextBytes = 256ll * 1024 * 1024; //!< the UTF-8 text of all items together
    qint64 maxItems = 10'000'000;              //!< the number of items
};

//! A workbook's shared strings (sharedStrings.xml), stored once as UTF-8 in fixed-size blocks.
//! Rich-text runs are joined; phonetic guides are left out. Read a chunk at a time from the zip
//! entry, so memory follows the text kept, never the size of the XML.
class SharedStrings
{
public:
    //! On malformed XML the Error has no message and its detail says why (the caller names the
    //! part); over a limit it is TooLarge with a message naming `fileName`.
    Result<void> read(ZipEntryStream &stream, const QString &fileName, const SharedStringLimits &limits = {});
    size_t size() const { return m_items.size(); }
    std::string_view at(size_t i) const
    {
        const Item &it = m_items[i];
        return {m_blocks[it.offset / kBlock].get() + it.offset % kBlock, it.length};
    }
    //! Items longer than Excel's 32,767 characters, cut to that length: how many, and the first.
    qint64 truncatedCount() const { return m_truncated; }
    qint64 firstTruncated() const { return m_firstTruncated; }

private:
    static constexpr size_t kBlock = 1024 * 1024; //!< holds any item: 32,767 characters are < 128 KiB
    struct Item {
        quint64 offset : 40; //!< in the concatenated blocks
        quint64 length : 24;
    };
    void store(const std::string &text);

    std::vector<std::unique_ptr<char[]>> m_blocks;
    size_t m_used = kBlock;
    qint64 m_textBytes = 0;
    std::vector<Item> m_items;
    qint64 m_truncated = 0;
    qint64 m_firstTruncated = -1;
};

} // namespace finpipe::ingest
