#include "xlsxparts.h"

#include <QStringList>
#include <QXmlStreamReader>

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

Result<void> SharedStrings::parse(const QByteArray &xml)
{
    QXmlStreamReader r(xml);
    bool inItem = false;
    bool inText = false;
    bool inPhonetic = false;
    size_t start = 0;
    while (!r.atEnd()) {
        switch (r.readNext()) {
        case QXmlStreamReader::StartElement: {
            const QStringView n = r.name();
            if (n == u"si") {
                inItem = true;
                start = m_pool.size();
            } else if (n == u"rPh") {
                inPhonetic = true;
            } else if (inItem && !inPhonetic && n == u"t") {
                inText = true;
            }
            break;
        }
        case QXmlStreamReader::EndElement: {
            const QStringView n = r.name();
            if (n == u"si") {
                inItem = false;
                m_items.push_back({start, m_pool.size() - start});
            } else if (n == u"rPh") {
                inPhonetic = false;
            } else if (n == u"t") {
                inText = false;
            }
            break;
        }
        case QXmlStreamReader::Characters:
            if (inText)
                m_pool += r.text().toUtf8().toStdString();
            break;
        default:
            break;
        }
    }
    if (r.hasError())
        return Error::make(Error::Code::Corrupt, QString(), r.errorString());
    return {};
}

} // namespace finpipe::ingest
