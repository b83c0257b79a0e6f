#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace finpipe::analysis::bank {

//! Spending categories found from keywords in a booking's description (rules/categories.json, which
//! the user's rules folder may extend: its categories are tried first and replace shipped ones of
//! the same name).
class Categories
{
public:
    //! The name given to a booking no keyword matches.
    static QString uncategorised() { return QStringLiteral("(uncategorised)"); }

    //! Reads the files in order (later files' categories come first; same name replaces). A file
    //! that cannot be read or parsed is reported in `problems` ("file: what is wrong") and skipped.
    static Categories load(const QStringList &files, QStringList *problems);

    //! Adds a category, tried before those already there (same name replaces).
    void prepend(const QString &name, const QStringList &keywords);

    //! The first category with a keyword starting a word of `normalisedText` (upper case, as
    //! normaliseCounterparty() gives it), else uncategorised().
    QString categoryOf(const QString &normalisedText) const;

    int size() const { return int(m_categories.size()); }

private:
    struct Category {
        QString name;
        QStringList keywords; //!< upper case
    };
    QList<Category> m_categories;
};

} // namespace finpipe::analysis::bank
