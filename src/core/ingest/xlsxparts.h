#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>

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

//! A workbook's shared strings (sharedStrings.xml), stored once as UTF-8 in one pool. Rich-text
//! runs are joined; phonetic guides are left out.
class SharedStrings
{
public:
    //! On malformed XML the Error's detail says why.
    Result<void> parse(const QByteArray &xml);
    size_t size() const { return m_items.size(); }
    std::string_view at(size_t i) const { return std::string_view(m_pool).substr(m_items[i].first, m_items[i].second); }

private:
    std::string m_pool;
    std::vector<std::pair<size_t, size_t>> m_items;
};

} // namespace finpipe::ingest
