/* Writes a CSV (comma-separated, no quoted fields) as a one-sheet .xlsx with libxlsxwriter:
 * numbers become number cells, ISO dates (yyyy-mm-dd[ hh:mm[:ss]]) date cells, the rest strings.
 * Used by make_corpus.py to produce the .xlsx variants of the detection corpus.
 * Build: cc csv2xlsx.c -o csv2xlsx $(pkg-config --cflags --libs xlsxwriter)
 * Usage: csv2xlsx IN.csv OUT.xlsx [SHEET]
 * The output is reproducible: the workbook's creation time is fixed. */
#include <xlsxwriter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_date(const char *s, lxw_datetime *dt, int *with_time)
{
    int n = 0;
    memset(dt, 0, sizeof *dt);
    *with_time = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &dt->year, &dt->month, &dt->day, &n) != 3 || n != 10)
        return 0;
    if (s[10] == '\0')
        return 1;
    double sec = 0;
    int m = 0;
    if (sscanf(s + 10, " %2d:%2d%n", &dt->hour, &dt->min, &m) == 2) {
        if (s[10 + m] == ':')
            sec = atof(s + 11 + m);
        dt->sec = sec;
        *with_time = 1;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: csv2xlsx IN.csv OUT.xlsx [SHEET]\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    lxw_workbook *wb = workbook_new(argv[2]);
    /* A fixed creation time (2026-01-01): the same CSV always gives the same bytes. */
    lxw_doc_properties props = {0};
    props.created = 1767225600;
    workbook_set_properties(wb, &props);
    lxw_worksheet *ws = workbook_add_worksheet(wb, argc > 3 ? argv[3] : NULL);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format *datetime = workbook_add_format(wb);
    format_set_num_format(datetime, "yyyy-mm-dd hh:mm:ss");
    char line[65536];
    lxw_row_t row = 0;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        lxw_col_t col = 0;
        char *p = line;
        for (;;) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            if (*p) {
                char *end = NULL;
                double d = strtod(p, &end);
                lxw_datetime dt;
                int with_time = 0;
                if (row > 0 && end && *end == '\0')
                    worksheet_write_number(ws, row, col, d, NULL);
                else if (row > 0 && parse_date(p, &dt, &with_time))
                    worksheet_write_datetime(ws, row, col, &dt, with_time ? datetime : date);
                else
                    worksheet_write_string(ws, row, col, p, NULL);
            }
            ++col;
            if (!comma)
                break;
            p = comma + 1;
        }
        ++row;
    }
    fclose(in);
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}
