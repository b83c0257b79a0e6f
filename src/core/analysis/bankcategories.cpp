#include "bankcategories.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace finpipe::analysis::bank {

Categories Categories::load(const QStringList &files, QStringList *problems)
{
    Categories out;
    for (const QString &path : files) {
        const QString name = QFileInfo(path).fileName();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            if (problems)
                *problems << QStringLiteral("%1: cannot be read (%2)").arg(name, f.errorString());
            continue;
        }
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
        const QJsonArray list = doc.object().value(u"categories").toArray();
        if (error.error != QJsonParseError::NoError || !doc.isObject() || list.isEmpty()) {
            if (problems)
                *problems << QStringLiteral("%1: not a categories file (%2); expected {\"categories\": [{\"name\": "
                                            "..., \"keywords\": [...]}, ...]}")
                                 .arg(name, error.error != QJsonParseError::NoError ? error.errorString()
                                                                                    : QStringLiteral("no categories"));
            continue;
        }
        // The file's own order is kept among its categories, ahead of the earlier files'.
        Categories file;
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            const QString cname = o.value(u"name").toString().trimmed();
            QStringList keywords;
            for (const QJsonValue &k : o.value(u"keywords").toArray())
                if (!k.toString().isEmpty())
                    keywords << k.toString().toUpper();
            if (cname.isEmpty() || keywords.isEmpty()) {
                if (problems)
                    *problems << QStringLiteral("%1: a category needs a \"name\" and \"keywords\"; one was skipped")
                                     .arg(name);
                continue;
            }
            file.m_categories.append({cname, keywords});
        }
        for (qsizetype i = file.m_categories.size() - 1; i >= 0; --i)
            out.prepend(file.m_categories[i].name, file.m_categories[i].keywords);
    }
    return out;
}

void Categories::prepend(const QString &name, const QStringList &keywords)
{
    m_categories.removeIf([&](const Category &c) { return c.name.compare(name, Qt::CaseInsensitive) == 0; });
    QStringList upper;
    for (const QString &k : keywords)
        upper << k.toUpper();
    m_categories.prepend({name, upper});
}

QString Categories::categoryOf(const QString &normalisedText) const
{
    // Spaces around the text let a keyword such as "BP " match a whole word at the end.
    // A keyword must start a word ("TFL" is not in "NETFLIX").
    const QString padded = u' ' + normalisedText + u' ';
    for (const Category &c : m_categories) {
        for (const QString &k : c.keywords) {
            for (qsizetype at = padded.indexOf(k); at >= 0; at = padded.indexOf(k, at + 1))
                if (at == 0 || !padded[at - 1].isLetterOrNumber() || !k[0].isLetterOrNumber())
                    return c.name;
        }
    }
    return uncategorised();
}

} // namespace finpipe::analysis::bank
