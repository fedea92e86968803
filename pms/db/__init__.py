"""The hotel database: schema, engines, setup/verify/adopt, bulk upserts, settings and secrets.

SQLite is the embedded default, MySQL/MariaDB (pymysql) the production choice; every module here
works on both. Import the parts by module (``pms.db.setup``, ``pms.db.upsert`` ...): the package
itself stays cheap to import.
"""
