#pragma once

#include <QMap>
#include <QString>

namespace finpipe::detect {

//! What the analysis consumes: the dataset type and which column plays which role.
//! Produced by detection, possibly changed by the analyst, then validated (see override.h).
//! Analyses use it as given and never re-guess columns.
struct ColumnMapping {
    //! A rules id, e.g. "station_readings", "station_analysis", "sales_orders", "generic_table".
    QString datasetType;
    //! Role name -> column name exactly as in the file.
    QMap<QString, QString> roles;
    //! True when the analyst changed the detected type or any role.
    bool overridden = false;
};

} // namespace finpipe::detect
