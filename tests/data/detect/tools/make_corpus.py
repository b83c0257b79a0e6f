#!/usr/bin/env python3
"""Regenerates the detection corpus (tests/data/detect/*.csv|*.xlsx|*.tsv) and expected.json.

Variants are derived from the users' files in tests/data/seed/ the way real exports differ:
renamed headers, other case and spacing, shuffled and extra columns, missing optional columns,
semicolons with decimal commas, Windows-1252, tabs, a BOM, .xlsx instead of .csv, and headers no rule
knows (the roles must then be found by their values). Negatives are unrelated tables, some built to look
like a type by their values. Files stay small (a few hundred rows at most). The output is reproducible:
running it again gives the same bytes.

Usage: tools/make_corpus.py CSV2XLSX   (path to the compiled tools/csv2xlsx.c)
"""
import csv
import io
import json
import os
import random
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
SEED = os.path.join(OUT, '..', 'seed')
CSV2XLSX = sys.argv[1] if len(sys.argv) > 1 else 'csv2xlsx'
rng = random.Random(20261130)
expected = []


def read_csv(name):
    with open(os.path.join(SEED, name), newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def read_xlsx(name):
    """Sheet 1 of a seed workbook as text rows (numbers as stored; dates as serials)."""
    ns = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
    z = zipfile.ZipFile(os.path.join(SEED, name))
    strings = [''.join(t.text or '' for t in si.iter(ns + 't'))
               for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(ns + 'si')]
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    rows = []
    for r in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter(ns + 'row'):
        cells = {}
        for c in r.findall(ns + 'c'):
            ref = ''.join(ch for ch in c.get('r') if ch.isalpha())
            idx = 0
            for ch in ref:
                idx = idx * 26 + ord(ch) - 64
            v = c.find(ns + 'v')
            val = '' if v is None else v.text
            if c.get('t') == 's' and val != '':
                val = strings[int(val)]
            cells[idx - 1] = val
        if cells:
            rows.append([cells.get(i, '') for i in range(max(cells) + 1)])
    del wb
    width = len(rows[0])
    rows = [(r + [''] * width)[:width] for r in rows]
    return rows[0], [r for r in rows[1:] if any(x != '' for x in r)]


def serial_to_iso(s):
    if s == '':
        return ''
    d = datetime(1899, 12, 30) + timedelta(days=float(s))
    return d.strftime('%Y-%m-%d') if d.hour == 0 and d.minute == 0 else d.strftime('%Y-%m-%d %H:%M:%S')


def short_number(s):
    if s == '':
        return ''
    return repr(float(s)).removesuffix('.0') if float(s).is_integer() else repr(round(float(s), 10))


def write_csv(name, header, rows, delimiter=',', encoding='utf-8', bom=False, decimal_comma=False):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator='\r\n' if encoding == 'cp1252' else '\n')
    w.writerow(header)
    for r in rows:
        if decimal_comma:
            r = [x.replace('.', ',') if is_number(x) else x for x in r]
        w.writerow(r)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b'\xef\xbb\xbf' + data
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


def write_xlsx(name, header, rows, sheet=None):
    tmp = os.path.join(OUT, '.tmp.csv')
    for r in [header] + rows:
        assert all(',' not in x for x in r), name
    write_csv('.tmp.csv', header, rows)
    subprocess.check_call([CSV2XLSX, tmp, os.path.join(OUT, name)] + ([sheet] if sheet else []))
    os.remove(tmp)


def is_number(x):
    try:
        float(x)
        return x.strip() != '' and not x.strip().lower() in ('nan', 'inf', '-inf', 'infinity')
    except ValueError:
        return False


def expect(file, type_, mapping=None, groups=None, note=''):
    expected.append({'file': file, 'type': type_, 'mapping': mapping or {}, 'groups': groups or {},
                     'note': note})


def pick(header, rows, names):
    idx = [header.index(n) for n in names]
    return [[r[i] for i in idx] for r in rows]


# ---------------------------------------------------------------- the users' files, as shipped
SR4 = {'station': 'Station_ID', 'timestamp': 'Date_Time', 'parameter': 'PCode', 'value': 'Result'}
expect('../seed/raw_data.xlsx', 'station_readings',
       dict(SR4, validated='Validated'),
       note='the users\' raw export; Depth_M and QCode are blank in every row, so depth and quality_flag stay unmapped')
expect('../seed/synthetic_raw_data.csv', 'station_readings', SR4)
FT_ROLES = ['order_id', 'order_date', 'region', 'country', 'product_category', 'product_subcategory', 'product_id',
            'product_name', 'quantity', 'unit_price', 'revenue', 'currency', 'customer_id', 'channel',
            'interest_rate', 'loan_amount', 'transaction_fee', 'fraud_flag']
expect('../seed/fintech_sales.csv', 'sales_orders', {r: r for r in FT_ROLES})
DATA25 = ['Data %d' % i for i in range(1, 26)]
expect('../seed/ct_analysis_template.xlsx', 'station_analysis', {'station': 'Station', 'date': 'Dates'},
       {'parameters': DATA25})
expect('../seed/tus_analysis_template.xlsx', 'station_analysis', {'station': 'Station', 'date': 'Dates'},
       {'parameters': DATA25})

# ---------------------------------------------------------------- station readings variants
sh, srows = read_csv('synthetic_raw_data.csv')
srows = srows[:400]
rh, rrows = read_xlsx('raw_data.xlsx')
for r in rrows:
    r[rh.index('Date_Time')] = serial_to_iso(r[rh.index('Date_Time')])
    r[rh.index('Create_Update')] = serial_to_iso(r[rh.index('Create_Update')])
    r[rh.index('Result')] = short_number(r[rh.index('Result')])
rrows = rrows[:300]

write_csv('sr_renamed_site.csv', ['Site', 'Timestamp', 'Parameter', 'Value'], srows)
expect('sr_renamed_site.csv', 'station_readings',
       {'station': 'Site', 'timestamp': 'Timestamp', 'parameter': 'Parameter', 'value': 'Value'})

write_csv('sr_lower_spaced.csv', ['station id', 'date time', 'pcode', 'result'], srows)
expect('sr_lower_spaced.csv', 'station_readings',
       {'station': 'station id', 'timestamp': 'date time', 'parameter': 'pcode', 'value': 'result'})

write_csv('sr_upper.csv', ['STATION_ID', ' DATE_TIME ', 'PCODE', 'RESULT'], srows)
expect('sr_upper.csv', 'station_readings',
       {'station': 'STATION_ID', 'timestamp': 'DATE_TIME', 'parameter': 'PCODE', 'value': 'RESULT'}, note='the reader trims the spaces around " DATE_TIME "')

order = [3, 2, 0, 1]
write_csv('sr_shuffled.csv', [sh[i] for i in order], [[r[i] for i in order] for r in srows])
expect('sr_shuffled.csv', 'station_readings', SR4)

units = {'Data %d' % i: u for i, u in zip(range(1, 25), ['mg/l', 'ug/l', 'NTU', 'pH', 'degC', 'mS/cm'] * 4)}
extra = [r + [units[r[2]], str(rng.choice([0.5, 1.0, 2.0])), rng.choice(['', 'checked', 'resampled']),
              rng.choice(['AB', 'KL', 'MN'])] for r in srows]
write_csv('sr_extra_columns.csv', sh + ['Unit', 'Depth', 'Comment', 'Operator'], extra)
expect('sr_extra_columns.csv', 'station_readings', dict(SR4, unit='Unit', depth='Depth'))

write_csv('sr_semicolon_decimal_comma.csv', sh, srows, delimiter=';', decimal_comma=True)
expect('sr_semicolon_decimal_comma.csv', 'station_readings', SR4)

names = {'CT': 'Rivière Côte', 'TUS': 'Tussenbeek Süd'}
write_csv('sr_cp1252.csv', ['Station', 'Datum', 'Paramètre', 'Résultat', 'Unité'],
          [[names[r[0]], r[1], r[2], r[3], 'µg/l'] for r in srows], delimiter=';', encoding='cp1252',
          decimal_comma=True)
expect('sr_cp1252.csv', 'station_readings',
       {'station': 'Station', 'timestamp': 'Datum', 'parameter': 'Paramètre', 'value': 'Résultat', 'unit': 'Unité'},
       note='Windows-1252, French/German headers close to the synonyms')

write_xlsx('sr_renamed.xlsx', ['Site', 'Timestamp', 'Parameter', 'Value'], srows, 'Readings')
expect('sr_renamed.xlsx', 'station_readings',
       {'station': 'Site', 'timestamp': 'Timestamp', 'parameter': 'Parameter', 'value': 'Value'})

write_csv('sr_raw_export.csv', rh, rrows)
expect('sr_raw_export.csv', 'station_readings',
       dict(SR4, validated='Validated'),
       note='raw_data.xlsx as CSV; Depth_M and QCode are blank in every row, so depth and quality_flag stay unmapped')

keep = ['Station_ID', 'Date_Time', 'PCode', 'Result', 'Validated']
write_xlsx('sr_raw_subset.xlsx', keep, pick(rh, rrows, keep))
expect('sr_raw_subset.xlsx', 'station_readings', dict(SR4, validated='Validated'))

timed = []
for i, r in enumerate(srows):
    timed.append([r[0], r[1] + ' %02d:%02d:00' % (6 + i % 12, (i * 7) % 60), r[2], r[3]])
write_csv('sr_with_times.csv', ['Monitoring Station', 'Measured At', 'Determinand', 'Measured Value'], timed)
expect('sr_with_times.csv', 'station_readings',
       {'station': 'Monitoring Station', 'timestamp': 'Measured At', 'parameter': 'Determinand',
        'value': 'Measured Value'})

write_csv('sr_tabs.tsv', sh, srows, delimiter='\t')
expect('sr_tabs.tsv', 'station_readings', SR4)

write_csv('sr_bom.csv', sh, srows, bom=True)
expect('sr_bom.csv', 'station_readings', SR4)

opt = [[r[0], r[1], r[2], r[3], rng.choice(['1', '1', '1', '0']), units[r[2]], str(rng.choice([0, 1, 5])),
        rng.choice(['A', 'A', 'B', 'E'])] for r in srows]
write_csv('sr_all_optional.csv',
          ['Station', 'Sample Date', 'Parameter Code', 'Reading', 'Validated', 'Units', 'Depth (m)', 'Quality Flag'],
          opt)
expect('sr_all_optional.csv', 'station_readings',
       {'station': 'Station', 'timestamp': 'Sample Date', 'parameter': 'Parameter Code', 'value': 'Reading',
        'validated': 'Validated', 'unit': 'Units', 'depth': 'Depth (m)', 'quality_flag': 'Quality Flag'})

write_csv('sr_location.csv', ['Location', 'Observation Time', 'Variable', 'Observation'], srows)
expect('sr_location.csv', 'station_readings',
       {'station': 'Location', 'timestamp': 'Observation Time', 'parameter': 'Variable', 'value': 'Observation'})

# ---------------------------------------------------------------- station analysis variants
th, trows = read_xlsx('ct_analysis_template.xlsx')
for r in trows:
    r[1] = serial_to_iso(r[1])
    for i in range(2, len(r)):
        r[i] = short_number(r[i])
write_csv('sa_ct.csv', th, trows)
expect('sa_ct.csv', 'station_analysis', {'station': 'Station', 'date': 'Dates'}, {'parameters': DATA25})

order = [1, 0] + list(range(2, 27))
write_csv('sa_date_first.csv', [th[i] for i in order], [[r[i] for i in order] for r in trows])
expect('sa_date_first.csv', 'station_analysis', {'station': 'Station', 'date': 'Dates'}, {'parameters': DATA25})

P10 = ['P%d' % i for i in range(1, 11)]
write_csv('sa_renamed.csv', ['Site', 'Date'] + P10, [r[:12] for r in trows])
expect('sa_renamed.csv', 'station_analysis', {'station': 'Site', 'date': 'Date'}, {'parameters': P10})

write_xlsx('sa_few_params.xlsx', ['Station', 'Dates', 'Data 1', 'Data 6', 'Data 7'],
           [[r[0], r[1], r[2], r[7], r[8]] for r in trows], 'CT Station')
expect('sa_few_params.xlsx', 'station_analysis', {'station': 'Station', 'date': 'Dates'},
       {'parameters': ['Data 1', 'Data 6', 'Data 7']})

write_csv('sa_semicolon.csv', th, trows, delimiter=';', decimal_comma=True)
expect('sa_semicolon.csv', 'station_analysis', {'station': 'Station', 'date': 'Dates'}, {'parameters': DATA25})

low = ['station', 'dates'] + ['data_%d' % i for i in range(1, 26)]
write_csv('sa_lower.csv', low, trows)
expect('sa_lower.csv', 'station_analysis', {'station': 'station', 'date': 'dates'}, {'parameters': low[2:]})

write_xlsx('sa_ct.xlsx', th, trows, 'CT Station')
expect('sa_ct.xlsx', 'station_analysis', {'station': 'Station', 'date': 'Dates'}, {'parameters': DATA25})

# ---------------------------------------------------------------- sales variants
fh, frows = read_csv('fintech_sales.csv')
frows = frows[:300]
FT = {r: r for r in FT_ROLES}
write_csv('so_subset.csv', fh, frows)
expect('so_subset.csv', 'sales_orders', FT)

nice = {'order_id': 'Order ID', 'order_date': 'Order Date', 'region': 'Region', 'country': 'Country',
        'product_category': 'Category', 'product_subcategory': 'Subcategory', 'product_id': 'SKU',
        'product_name': 'Product', 'quantity': 'Qty', 'unit_price': 'Unit Price', 'revenue': 'Revenue',
        'currency': 'Currency', 'customer_id': 'Customer ID', 'channel': 'Channel', 'interest_rate': 'Interest Rate',
        'loan_amount': 'Loan Amount', 'success_rate': 'Success Rate', 'transaction_fee': 'Fee',
        'fraud_flag': 'Fraud Flag'}
write_csv('so_renamed.csv', [nice[h] for h in fh], frows)
expect('so_renamed.csv', 'sales_orders', {r: nice[r] for r in FT_ROLES})

write_csv('so_minimal.csv', ['order_id', 'order_date', 'revenue'], pick(fh, frows, ['order_id', 'order_date', 'revenue']))
expect('so_minimal.csv', 'sales_orders', {'order_id': 'order_id', 'order_date': 'order_date', 'revenue': 'revenue'})

idx = list(range(len(fh)))
rng.shuffle(idx)
write_csv('so_shuffled_upper.csv', [fh[i].upper() for i in idx], [[r[i] for i in idx] for r in frows])
expect('so_shuffled_upper.csv', 'sales_orders', {r: r.upper() for r in FT_ROLES})

write_csv('so_semicolon_decimal_comma.csv', fh, frows, delimiter=';', decimal_comma=True)
expect('so_semicolon_decimal_comma.csv', 'sales_orders', FT)

cp = ['order_id', 'order_date', 'product_name', 'quantity', 'unit_price', 'revenue', 'currency']
cprows = [[r[0], r[1], r[2].replace('Plan', 'Formule') + ' – été', r[3], r[4], r[5], 'EUR']
          for r in pick(fh, frows, cp[:6] + ['currency'])]
write_csv('so_cp1252.csv', ['Order No', 'Order Date', 'Product Name', 'Quantity', 'Unit Price', 'Sales Amount', 'Currency'],
          cprows, delimiter=';', encoding='cp1252', decimal_comma=True)
expect('so_cp1252.csv', 'sales_orders',
       {'order_id': 'Order No', 'order_date': 'Order Date', 'product_name': 'Product Name', 'quantity': 'Quantity',
        'unit_price': 'Unit Price', 'revenue': 'Sales Amount', 'currency': 'Currency'})

xl = ['order_id', 'order_date', 'region', 'product_category', 'quantity', 'unit_price', 'revenue', 'fraud_flag']
write_xlsx('so_orders.xlsx', xl, [[x.replace(',', ' ') for x in r] for r in pick(fh, frows, xl)], 'Orders')
expect('so_orders.xlsx', 'sales_orders', {r: r for r in xl})

inv = [['INV-%05d' % (7000 + i), r[1], 'C%04d' % rng.randrange(300), r[10], 'USD', r[13]]
       for i, r in enumerate(frows)]
write_csv('so_invoices.csv', ['Invoice No', 'Invoice Date', 'Customer', 'Sales Amount', 'Currency', 'Channel'], inv)
expect('so_invoices.csv', 'sales_orders',
       {'order_id': 'Invoice No', 'order_date': 'Invoice Date', 'customer_id': 'Customer', 'revenue': 'Sales Amount',
        'currency': 'Currency', 'channel': 'Channel'})

ex = [r + [rng.choice(['', 'priority', 'gift']), rng.choice(['Asha', 'Ravi', 'Meena'])] for r in frows]
write_csv('so_extra_columns.csv', fh + ['notes', 'salesperson'], ex)
expect('so_extra_columns.csv', 'sales_orders', FT)

nolend = [h for h in fh if h not in ('interest_rate', 'loan_amount', 'success_rate', 'transaction_fee', 'fraud_flag')]
write_csv('so_no_lending.csv', nolend, pick(fh, frows, nolend))
expect('so_no_lending.csv', 'sales_orders', {r: r for r in FT_ROLES if r in nolend})

# ---------------------------------------------------------------- headers no rule knows: roles found by their values
# A second generator keeps the files above byte for byte what they were.
vrng = random.Random(20261201)
_, sall = read_csv('synthetic_raw_data.csv')
both = sall[:240] + sall[720:960]  # both stations, 20 days each, 12 parameters a day

write_csv('sr_site_when_code.csv', ['site', 'when', 'code', 'reading'], both)
expect('sr_site_when_code.csv', 'station_readings',
       {'station': 'site', 'timestamp': 'when', 'parameter': 'code', 'value': 'reading'},
       note='"when" and "code" name no role: the timestamp and the parameter are found by their values (medium at best)')

logged = [[r[0], '%s %02d:%02d:00' % (r[1], 8 if r[0] == 'CT' else 9, 15 if r[0] == 'CT' else 40), r[2], r[3]]
          for r in both]
write_csv('sr_unknown_headers.csv', ['Meetpunt', 'Tijdstip', 'Grootheid', 'Meetwaarde'], logged)
expect('sr_unknown_headers.csv', 'station_readings',
       {'station': 'Meetpunt', 'timestamp': 'Tijdstip', 'parameter': 'Grootheid', 'value': 'Meetwaarde'},
       note='Dutch logger export: no header names a role; the long layout is recognised by its values (medium at best)')

write_csv('sr_raw_code.csv', ['Code' if h == 'PCode' else h for h in rh], rrows)
expect('sr_raw_code.csv', 'station_readings',
       dict(SR4, parameter='Code', validated='Validated'),
       note='the users\' raw export with PCode renamed "Code": the parameter is found by its values among the other '
            'code columns (LCode, CCode, ... hold a single value each)')

# Sales with the order id and date under an ERP's names; the other headers are known.
erp = dict(nice, order_id='Doc No', order_date='Booked On')
write_csv('so_unknown_headers.csv', [erp[h] for h in fh], frows)
expect('so_unknown_headers.csv', 'sales_orders', {r: erp[r] for r in FT_ROLES},
       note='"Doc No" and "Booked On" name no role: the order id (the only unique column left) and the order date '
            'are found by their values (medium at best)')

# ---------------------------------------------------------------- negatives (nothing specific fits)
streets = ['High Street', 'Station Road', 'Church Lane', 'Mill Road', 'Park Avenue', 'Victoria Road']
cities = ['Leeds', 'York', 'Bath', 'Derby', 'Exeter', 'Norwich', 'Truro']
first = ['Anna', 'Ben', 'Chloe', 'Dev', 'Ella', 'Femi', 'Grace', 'Hugo', 'Isla', 'Jon']
last = ['Smith', 'Patel', 'Jones', 'Khan', 'Brown', 'Wilson', 'Taylor']
addr = [['%s %s' % (rng.choice(first), rng.choice(last)), '%d %s' % (rng.randrange(1, 200), rng.choice(streets)),
         rng.choice(cities), 'LS%d %dAB' % (rng.randrange(1, 30), rng.randrange(1, 9)), 'United Kingdom',
         '07%09d' % rng.randrange(10 ** 9), 'user%d@example.org' % i] for i in range(120)]
write_csv('neg_addresses.csv', ['Name', 'Street', 'City', 'Postcode', 'Country', 'Phone', 'Email'], addr)
expect('neg_addresses.csv', 'generic_table')

cat = [['SKU-%04d' % i, '%s %s' % (rng.choice(['Steel', 'Oak', 'Glass', 'Cotton']), rng.choice(['Chair', 'Table', 'Lamp', 'Rug'])),
        rng.choice(['Furniture', 'Lighting', 'Textiles']), '%.2f' % rng.uniform(5, 500), str(rng.randrange(0, 90)),
        rng.choice(['Acme Ltd', 'Nordwood', 'Lumen & Co'])] for i in range(150)]
write_csv('neg_product_catalogue.csv', ['product_id', 'product_name', 'category', 'unit_price', 'stock', 'supplier'], cat)
expect('neg_product_catalogue.csv', 'generic_table')

write_csv('neg_random_numbers.csv', ['a', 'b', 'c', 'd'],
          [['%.6f' % rng.gauss(0, 1) for _ in range(4)] for _ in range(200)])
expect('neg_random_numbers.csv', 'generic_table')

write_csv('neg_single_column.csv', ['Measurement'], [['%.3f' % rng.uniform(0, 50)] for _ in range(100)])
expect('neg_single_column.csv', 'generic_table')

write_csv('neg_headers_only.csv', ['Employee ID', 'First Name', 'Last Name', 'Department', 'Hire Date'], [])
expect('neg_headers_only.csv', 'generic_table')

emp = [['E%04d' % i, rng.choice(first) + ' ' + rng.choice(last), rng.choice(['Finance', 'IT', 'Sales', 'HR']),
        (date(2015, 1, 1) + timedelta(days=rng.randrange(3000))).isoformat(), str(rng.randrange(28000, 90000))]
       for i in range(150)]
write_csv('neg_employees.csv', ['employee_id', 'name', 'department', 'hire_date', 'salary'], emp)
expect('neg_employees.csv', 'generic_table')

d0 = date(2023, 1, 1)
weather = [[(d0 + timedelta(days=i)).isoformat(), '%.1f' % rng.uniform(-5, 30), str(rng.randrange(30, 100)),
            '%.1f' % rng.uniform(0, 25)] for i in range(200)]
write_xlsx('neg_weather.xlsx', ['Date', 'Temperature', 'Humidity', 'Wind Speed'], weather, 'Weather')
expect('neg_weather.xlsx', 'generic_table')

months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
budget = [[dep] + [str(rng.randrange(1000, 9000)) for _ in months]
          for dep in ['Finance', 'IT', 'Sales', 'HR', 'Legal', 'Facilities', 'Marketing']]
write_csv('neg_budget_wide.csv', ['Department'] + months, budget)
expect('neg_budget_wide.csv', 'generic_table')

price = 100.0
stocks = []
for i in range(250):
    o = price
    price = max(1.0, price * (1 + rng.gauss(0, 0.02)))
    stocks.append([(d0 + timedelta(days=i)).isoformat(), '%.2f' % o, '%.2f' % (max(o, price) * 1.01),
                   '%.2f' % (min(o, price) * 0.99), '%.2f' % price, str(rng.randrange(10 ** 5, 10 ** 6))])
write_csv('neg_stock_prices.csv', ['Date', 'Open', 'High', 'Low', 'Close', 'Volume'], stocks)
expect('neg_stock_prices.csv', 'generic_table')

survey = [[str(i), rng.choice(['Very satisfied', 'Satisfied', 'Neutral', 'Unhappy']),
           rng.choice(['The app is slow at month end', 'Great support team', 'Please add dark mode', 'No comment']),
           str(rng.randrange(1, 11))] for i in range(1, 121)]
write_csv('neg_survey.csv', ['Respondent', 'Satisfaction', 'Comment', 'Score'], survey)
expect('neg_survey.csv', 'generic_table')

# Look like long readings by their values, but are not: headers name no role, so nothing may be guessed.
t0 = datetime(2025, 3, 3, 6, 0, 0)
levels = ['INFO'] * 6 + ['DEBUG'] * 3 + ['WARN', 'ERROR']
msgs = ['request served', 'cache miss for key %d', 'retrying upstream call', 'slow query on orders',
        'connection reset by peer', 'job %d finished']
applog, t = [], t0
for i in range(300):
    t += timedelta(seconds=vrng.randrange(1, 40))
    applog.append([t.strftime('%Y-%m-%d %H:%M:%S'), vrng.choice(levels), 'worker-%d' % vrng.randrange(1, 6),
                   str(vrng.randrange(2, 900)), vrng.choice(msgs).replace('%d', str(vrng.randrange(100, 999)))])
write_csv('neg_app_log.csv', ['timestamp', 'level', 'component', 'duration_ms', 'message'], applog)
expect('neg_app_log.csv', 'generic_table',
       note='a log: a timestamp, a few levels, short component codes and one number, like long readings by value; '
            'but every row has its own time, which long readings (several parameters at one time) do not')

plant = []
for h in range(100):
    stamp = (t0 + timedelta(hours=h)).strftime('%Y-%m-%d %H:%M:%S')
    for line in ('L1', 'L2', 'L3'):
        plant.append([stamp, line, 'Day' if 6 <= (6 + h) % 24 < 18 else 'Night', str(vrng.randrange(80, 140)),
                      '%.1f' % vrng.uniform(60, 90), '%.2f' % vrng.uniform(1, 3), '%.1f' % vrng.uniform(10, 30)])
write_csv('neg_plant_wide.csv', ['Timestamp', 'Line', 'Shift', 'Output', 'Oven Temp', 'Pressure', 'Belt Speed'], plant)
expect('neg_plant_wide.csv', 'generic_table',
       note='a wide table: a repeated time, line codes and a shift, then several measures, one per column; which '
            'one would be "the value" of long readings? none: nothing may be found by values here')

with open(os.path.join(OUT, 'expected.json'), 'w', encoding='utf-8') as f:
    json.dump({'description': 'Detection corpus: each file with its expected dataset type and column mapping '
                              '(role -> column; groups: multi-column roles). Paths are relative to this folder. '
                              'Regenerate with tools/make_corpus.py.',
               'files': expected}, f, indent=1, ensure_ascii=False)
    f.write('\n')
print(len(expected), 'files')
