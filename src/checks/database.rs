//! Reading the learner's database for schema and data checks: rows of a statement, or
//! schema facts read the same way on SQLite (rusqlite) and PostgreSQL (tokio-postgres).
//! Results are JSON, an array with one object per row, so the checks language applies.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::course::checks::Schema;
use crate::services::Target;

/// Run one statement and give its rows.
pub async fn rows(target: &Target, sql: &str, timeout: Duration) -> Result<Value, String> {
    bounded(timeout, async {
        match target {
            Target::Sqlite(path) => {
                let (path, sql) = (path.clone(), sql.to_string());
                blocking(move || sqlite::rows(&sqlite::open(&path)?, &sql, &[])).await
            }
            Target::Postgres(url) => postgres::rows(&postgres::connect(url).await?, sql).await,
        }
    })
    .await
}

/// Read a schema fact (see `docs/authoring.md` for each one's shape).
pub async fn schema(target: &Target, schema: &Schema, timeout: Duration) -> Result<Value, String> {
    bounded(timeout, async {
        match target {
            Target::Sqlite(path) => {
                let (path, schema) = (path.clone(), schema.clone());
                blocking(move || sqlite::schema(&sqlite::open(&path)?, &schema)).await
            }
            Target::Postgres(url) => postgres::schema(&postgres::connect(url).await?, schema).await,
        }
    })
    .await
}

async fn bounded(
    timeout: Duration,
    read: impl Future<Output = Result<Value, String>>,
) -> Result<Value, String> {
    tokio::time::timeout(timeout, read)
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "the database did not answer within {:.1} s",
                timeout.as_secs_f64()
            ))
        })
}

async fn blocking(
    read: impl FnOnce() -> Result<Value, String> + Send + 'static,
) -> Result<Value, String> {
    tokio::task::spawn_blocking(read)
        .await
        .unwrap_or_else(|error| Err(format!("reading the database failed: {error}")))
}

/// Ok when `table` is one of `tables` (an array of names); else an error naming them.
fn require_table(table: &str, tables: &Value) -> Result<(), String> {
    let names: Vec<&str> = tables
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if names.contains(&table) {
        Ok(())
    } else if names.is_empty() {
        Err(format!(
            "there is no table `{table}`: the database has no tables at all"
        ))
    } else {
        Err(format!(
            "there is no table `{table}`; the tables are: {}",
            names.join(", ")
        ))
    }
}

mod sqlite {
    use super::*;
    use rusqlite::types::ValueRef;
    use rusqlite::{Connection, OpenFlags};

    pub fn open(path: &Path) -> Result<Connection, String> {
        if !path.exists() {
            return Err(format!(
                "there is no database file at DATABASE_URL ({}): your server has not opened it yet (SQLite makes the file when a server connects to that path)",
                path.display()
            ));
        }
        // Never create a file, never change the learner's data by accident.
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|error| format!("cannot open the SQLite database: {error}"))?;
        connection
            .busy_timeout(Duration::from_secs(2))
            .map_err(|error| error.to_string())?;
        Ok(connection)
    }

    pub fn rows(
        connection: &Connection,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Value, String> {
        let mut statement = connection.prepare(sql).map_err(|error| error.to_string())?;
        let names: Vec<String> = statement
            .column_names()
            .map(|name| name.to_string())
            .collect();
        let mut found = statement.query(params).map_err(|error| error.to_string())?;
        let mut rows = Vec::new();
        while let Some(row) = found.next().map_err(|error| error.to_string())? {
            let mut object = Map::new();
            for (index, name) in names.iter().enumerate() {
                let value = match row.get_ref(index).map_err(|error| error.to_string())? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => Value::from(x),
                    ValueRef::Text(text) => Value::from(String::from_utf8_lossy(text)),
                    ValueRef::Blob(bytes) => Value::from(
                        bytes
                            .iter()
                            .map(|byte| format!("{byte:02x}"))
                            .collect::<String>(),
                    ),
                };
                object.insert(name.clone(), value);
            }
            rows.push(Value::Object(object));
        }
        Ok(Value::Array(rows))
    }

    fn tables(connection: &Connection) -> Result<Value, String> {
        let rows = rows(
            connection,
            "SELECT name FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            &[],
        )?;
        Ok(column(&rows, "name"))
    }

    pub fn schema(connection: &Connection, schema: &Schema) -> Result<Value, String> {
        let tables = tables(connection)?;
        let Some(table) = schema.table() else {
            return Ok(tables);
        };
        require_table(table, &tables)?;
        match schema {
            Schema::Tables => unreachable!("answered above"),
            Schema::Columns(_) => {
                let found = rows(
                    connection,
                    "SELECT name, lower(type) AS type, \"notnull\" = 0 AND pk = 0 AS nullable, \
                     pk > 0 AS primary_key FROM pragma_table_info(?1) ORDER BY cid",
                    &[&table],
                )?;
                Ok(booleans(found, &["nullable", "primary_key"]))
            }
            Schema::ForeignKeys(_) => {
                let found = rows(
                    connection,
                    "SELECT \"from\" AS \"column\", \"table\" AS \"references\", \
                     \"to\" AS references_column, lower(on_delete) AS on_delete \
                     FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
                    &[&table],
                )?;
                // `REFERENCES authors` with no column means the referenced primary key.
                let mut keys = found.as_array().cloned().unwrap_or_default();
                for key in &mut keys {
                    if key["references_column"].is_null() {
                        let parent = key["references"].as_str().unwrap_or_default().to_string();
                        let primary = rows(
                            connection,
                            "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
                            &[&parent],
                        )?;
                        key["references_column"] = column(&primary, "name")
                            .get(0)
                            .cloned()
                            .unwrap_or(Value::Null);
                    }
                }
                Ok(Value::Array(keys))
            }
            Schema::Indexes(_) => {
                let found = rows(
                    connection,
                    "SELECT name, \"unique\", origin = 'pk' AS primary_key \
                     FROM pragma_index_list(?1) ORDER BY name",
                    &[&table],
                )?;
                let mut indexes = Vec::new();
                for index in found.as_array().into_iter().flatten() {
                    let name = index["name"].as_str().unwrap_or_default().to_string();
                    let columns = rows(
                        connection,
                        "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
                        &[&name],
                    )?;
                    indexes.push(json!({
                        "name": name,
                        "columns": column(&columns, "name"),
                        "unique": index["unique"] == 1,
                        "primary_key": index["primary_key"] == 1,
                    }));
                }
                Ok(Value::Array(indexes))
            }
        }
    }

    /// SQLite has no booleans: turn these 0/1 columns into false/true.
    fn booleans(rows: Value, names: &[&str]) -> Value {
        let mut rows = rows;
        for row in rows.as_array_mut().into_iter().flatten() {
            for name in names {
                if let Some(value) = row.get_mut(*name) {
                    *value = Value::Bool(*value == 1);
                }
            }
        }
        rows
    }
}

/// One column of rows, as an array.
fn column(rows: &Value, name: &str) -> Value {
    Value::Array(
        rows.as_array()
            .into_iter()
            .flatten()
            .map(|row| row[name].clone())
            .collect(),
    )
}

mod postgres {
    use super::*;
    use tokio_postgres::types::Type;
    use tokio_postgres::{Client, NoTls, Row};

    pub async fn connect(url: &str) -> Result<Client, String> {
        let (client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|error| format!("cannot connect to the database at DATABASE_URL: {error}"))?;
        tokio::spawn(connection);
        Ok(client)
    }

    pub async fn rows(client: &Client, sql: &str) -> Result<Value, String> {
        let found = client
            .query(sql, &[])
            .await
            .map_err(|error| message(&error))?;
        found
            .iter()
            .map(row)
            .collect::<Result<_, _>>()
            .map(Value::Array)
    }

    /// The database's own words: "relation \"posts\" does not exist".
    fn message(error: &tokio_postgres::Error) -> String {
        match error.as_db_error() {
            Some(db) => db.message().to_string(),
            None => error.to_string(),
        }
    }

    fn row(row: &Row) -> Result<Value, String> {
        let mut object = Map::new();
        for (index, column) in row.columns().iter().enumerate() {
            let read = |error: tokio_postgres::Error| error.to_string();
            let value = match *column.type_() {
                Type::BOOL => json!(row.try_get::<_, Option<bool>>(index).map_err(read)?),
                Type::INT2 => json!(row.try_get::<_, Option<i16>>(index).map_err(read)?),
                Type::INT4 => json!(row.try_get::<_, Option<i32>>(index).map_err(read)?),
                Type::INT8 => json!(row.try_get::<_, Option<i64>>(index).map_err(read)?),
                Type::FLOAT4 => json!(row.try_get::<_, Option<f32>>(index).map_err(read)?),
                Type::FLOAT8 => json!(row.try_get::<_, Option<f64>>(index).map_err(read)?),
                Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR | Type::UNKNOWN => {
                    json!(row.try_get::<_, Option<String>>(index).map_err(read)?)
                }
                Type::JSON | Type::JSONB => row
                    .try_get::<_, Option<Value>>(index)
                    .map_err(read)?
                    .unwrap_or(Value::Null),
                Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::NAME_ARRAY => {
                    json!(row.try_get::<_, Option<Vec<String>>>(index).map_err(read)?)
                }
                Type::INT4_ARRAY => {
                    json!(row.try_get::<_, Option<Vec<i32>>>(index).map_err(read)?)
                }
                Type::INT8_ARRAY => {
                    json!(row.try_get::<_, Option<Vec<i64>>>(index).map_err(read)?)
                }
                Type::TIMESTAMPTZ => json!(
                    row.try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(index)
                        .map_err(read)?
                        .map(|time| time.to_rfc3339())
                ),
                Type::TIMESTAMP => json!(
                    row.try_get::<_, Option<chrono::NaiveDateTime>>(index)
                        .map_err(read)?
                        .map(|time| time.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
                ),
                ref other => {
                    return Err(format!(
                        "column `{}` has type {other}, which learn cannot read: CAST it to TEXT or INTEGER in the query",
                        column.name()
                    ));
                }
            };
            object.insert(column.name().to_string(), value);
        }
        Ok(Value::Object(object))
    }

    const TABLES: &str = "SELECT c.relname::text AS name FROM pg_class c \
        WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind IN ('r', 'p') \
        ORDER BY 1";

    const COLUMNS: &str = "SELECT a.attname::text AS name, \
        format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, \
        EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary \
                AND a.attnum = ANY (i.indkey)) AS primary_key \
        FROM pg_attribute a WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 \
        AND NOT a.attisdropped ORDER BY a.attnum";

    const FOREIGN_KEYS: &str = "SELECT a.attname::text AS \"column\", \
        p.relname::text AS \"references\", pa.attname::text AS references_column, \
        CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' \
          WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' \
        END AS on_delete \
        FROM pg_constraint c \
        CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, pattnum, n) \
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
        JOIN pg_class p ON p.oid = c.confrelid \
        JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pattnum \
        WHERE c.contype = 'f' AND c.conrelid = $1::text::regclass ORDER BY c.conname, k.n";

    const INDEXES: &str = "SELECT ci.relname::text AS name, \
        ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
              ORDER BY k.n) AS columns, \
        i.indisunique AS \"unique\", i.indisprimary AS primary_key \
        FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid \
        WHERE i.indrelid = $1::text::regclass ORDER BY 1";

    pub async fn schema(client: &Client, schema: &Schema) -> Result<Value, String> {
        let tables = column(&rows(client, TABLES).await?, "name");
        let Some(table) = schema.table() else {
            return Ok(tables);
        };
        require_table(table, &tables)?;
        let sql = match schema {
            Schema::Tables => unreachable!("answered above"),
            Schema::Columns(_) => COLUMNS,
            Schema::ForeignKeys(_) => FOREIGN_KEYS,
            Schema::Indexes(_) => INDEXES,
        };
        // Quoted, so a table name is matched exactly, whatever its case.
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let found = client
            .query(sql, &[&quoted])
            .await
            .map_err(|error| message(&error))?;
        found
            .iter()
            .map(row)
            .collect::<Result<_, _>>()
            .map(Value::Array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same schema facts come out of SQLite as the docs promise.
    #[tokio::test]
    async fn sqlite_schema_facts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite3");
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection
            .execute_batch(
                "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
                 CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT,
                   author_id INTEGER NOT NULL REFERENCES authors ON DELETE CASCADE,
                   code TEXT UNIQUE, title TEXT);
                 CREATE INDEX posts_author ON posts (author_id);
                 INSERT INTO authors (name) VALUES ('Ada'), ('it''s');",
            )
            .unwrap();
        drop(connection);
        let target = Target::Sqlite(path);
        let wait = Duration::from_secs(5);
        let read = |schema: Schema| {
            let target = target.clone();
            async move { super::schema(&target, &schema, wait).await }
        };
        assert_eq!(
            read(Schema::Tables).await.unwrap(),
            json!(["authors", "posts"])
        );
        assert_eq!(
            read(Schema::ForeignKeys("posts".into())).await.unwrap(),
            json!([{ "column": "author_id", "references": "authors",
                     "references_column": "id", "on_delete": "cascade" }])
        );
        let indexes = read(Schema::Indexes("posts".into())).await.unwrap();
        assert!(indexes.as_array().unwrap().contains(&json!({
            "name": "posts_author", "columns": ["author_id"], "unique": false, "primary_key": false
        })));
        assert!(
            indexes
                .as_array()
                .unwrap()
                .iter()
                .any(|index| index["columns"] == json!(["code"]) && index["unique"] == json!(true))
        );
        let columns = read(Schema::Columns("authors".into())).await.unwrap();
        assert_eq!(
            columns,
            json!([
                { "name": "id", "type": "integer", "nullable": false, "primary_key": true },
                { "name": "name", "type": "text", "nullable": false, "primary_key": false },
            ])
        );
        let missing = read(Schema::Indexes("post".into())).await.unwrap_err();
        assert_eq!(
            missing,
            "there is no table `post`; the tables are: authors, posts"
        );
        let found = rows(
            &target,
            "SELECT name, id * 1.5 AS x, NULL AS n FROM authors ORDER BY id",
            wait,
        )
        .await
        .unwrap();
        assert_eq!(
            found,
            json!([{ "name": "Ada", "x": 1.5, "n": null }, { "name": "it's", "x": 3.0, "n": null }])
        );
        let error = rows(&target, "SELECT * FROM nope", wait).await.unwrap_err();
        assert!(error.contains("no such table: nope"), "{error}");
    }

    #[tokio::test]
    async fn a_missing_sqlite_file_is_named_not_made() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("never.sqlite3");
        let target = Target::Sqlite(path.clone());
        let error = rows(&target, "SELECT 1", Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(error.contains("no database file"), "{error}");
        assert!(!path.exists());
    }
}
