#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

namespace finpipe::detect {

//! What the analysis consumes: the dataset type and which column plays which role.
//! Produced by detection, possibly changed by the analyst, then validated (see override.h).
//! Analyses use it as given and never re-guess columns.
struct ColumnMapping {
    //! A rules id, e.g. "station_readings", "station_analysis", "sales_orders", "generic_table".
    QString datasetType;
    //! Role name -> column name exactly as in the file.
    QMap<QString, QString> roles;
    //! Roles that take several columns (station_analysis's "parameters": Data 1, Data 2, ...):
    //! role name -> column names in file order. Such roles are not in `roles`.
    QMap<QString, QStringList> columnGroups;
    //! True when the analyst changed the detected type or any role.
    bool overridden = false;
};

} // namespace finpipe::detect
