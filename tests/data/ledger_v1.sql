-- A ledger as the first schema (user_version 1) wrote it: two reports on task 18 by the
-- lead unit and one by a supporting unit, one of them from a returned workbook.
-- tests/test_ledger_store.py migrates it; do not regenerate it from the current schema.
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            title TEXT,
            snapshot TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            notice_id INTEGER NOT NULL REFERENCES notices (id),
            task INTEGER NOT NULL,
            unit TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('未启动', '推进中', '已完成')),
            percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
            note TEXT,
            problems TEXT,
            next_steps TEXT,
            as_of TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source_file TEXT,
            source_sha256 TEXT,
            source_sheet TEXT,
            source_row INTEGER
        );
INSERT INTO meta VALUES ('ledger_id', '0123456789abcdef0123456789abcdef');
INSERT INTO meta VALUES ('signing_key', X'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
INSERT INTO notices VALUES (1, '吉市政办发〔2015〕3号', '关于做好2015年民生改善工作的通知', '{}', '2015-05-31T08:00:00.000000+00:00');
INSERT INTO reports VALUES (1, 1, 18, '市民政局', '推进中', 30, '已摸底', NULL, NULL, '2015-05-31', '2015-05-31T08:00:00.000000+00:00', NULL, NULL, NULL, NULL);
INSERT INTO reports VALUES (2, 1, 18, '船营区', '推进中', 50, NULL, NULL, NULL, '2015-06-30', '2015-06-30T08:00:00.000000+00:00', '船营区.xlsx', 'ab12', '事项', 5);
INSERT INTO reports VALUES (3, 1, 18, '市民政局', '推进中', 40, NULL, '资金未到位', NULL, '2015-06-30', '2015-06-30T09:00:00.000000+00:00', NULL, NULL, NULL, NULL);
PRAGMA user_version = 1;
