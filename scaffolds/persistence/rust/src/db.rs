//! The database, ready to use: you do not need to change this file.
//!
//! DATABASE_URL says which database: a PostgreSQL URL (postgres://... or
//! postgresql://...) or else the path of a SQLite file (created if it does not
//! exist). Write every statement once, with ? for each value, and pass the values
//! apart with params![...]:
//!
//! ```ignore
//! db.query("SELECT * FROM posts WHERE id = ?", params![id]).await?   // Vec<AnyRow>
//! db.one("SELECT * FROM posts WHERE id = ?", params![id]).await?     // Option<AnyRow>
//! db.execute("DELETE FROM posts WHERE id = ?", params![id]).await?   // rows changed, u64
//! ```
//!
//! Read a column of a row with `row.try_get::<String, _>("title")?` (the Row trait:
//! `use sqlx::Row;`); an integer column reads as i64. Each call takes a connection of
//! its own from a pool, runs its statement and commits it, so requests served at the
//! same time never get in each other's way.

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions};

/// The database, shared by every request: cloning it is cheap (it is a pool).
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    postgres: bool,
}

/// One value for a ? of a statement. params![...] makes them from strings,
/// integers and Options (None is NULL).
#[derive(Clone, Debug)]
pub enum Param {
    Int(i64),
    Text(String),
    Null,
}

/// The values of a statement's ?s, in order: params![title, content, id].
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::Param::from($value)),*] as &[$crate::db::Param]
    };
}
pub(crate) use params;

impl Db {
    /// Open the database that DATABASE_URL names (blog.sqlite3 when it is not set).
    pub async fn connect() -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "blog.sqlite3".to_string());
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        let url = if postgres {
            url
        } else {
            // A file path, as sqlx wants it: sqlite:///absolute/path?mode=rwc, the
            // file created when it does not exist yet.
            let path = std::env::current_dir()?.join(url);
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .to_url_lossy()
                .to_string()
        };
        let pool = AnyPoolOptions::new()
            .max_connections(5)
            .connect(&url)
            .await?;
        Ok(Db { pool, postgres })
    }

    /// The type of an id column that the database numbers by itself, never reusing
    /// a number: format!("CREATE TABLE things (id {}, ...)", db.auto_id()).
    pub fn auto_id(&self) -> &'static str {
        if self.postgres {
            "SERIAL PRIMARY KEY"
        } else {
            "INTEGER PRIMARY KEY AUTOINCREMENT"
        }
    }

    /// The rows a statement returns.
    pub async fn query(&self, sql: &str, params: &[Param]) -> Result<Vec<AnyRow>, sqlx::Error> {
        let sql = self.placeholders(sql);
        bind(sqlx::query(&sql), params).fetch_all(&self.pool).await
    }

    /// The first row a statement returns, or None when there is none.
    pub async fn one(&self, sql: &str, params: &[Param]) -> Result<Option<AnyRow>, sqlx::Error> {
        let sql = self.placeholders(sql);
        bind(sqlx::query(&sql), params)
            .fetch_optional(&self.pool)
            .await
    }

    /// Run a statement that returns no rows: how many rows it changed.
    pub async fn execute(&self, sql: &str, params: &[Param]) -> Result<u64, sqlx::Error> {
        let sql = self.placeholders(sql);
        let done = bind(sqlx::query(&sql), params).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    /// SQLite takes ? as it is; PostgreSQL numbers its placeholders: $1, $2, ...
    /// (a ? inside a quoted 'string' stays as it is).
    fn placeholders(&self, sql: &str) -> String {
        if !self.postgres {
            return sql.to_string();
        }
        let mut out = String::with_capacity(sql.len() + 8);
        let (mut count, mut quoted) = (0, false);
        for c in sql.chars() {
            match c {
                '\'' => {
                    quoted = !quoted;
                    out.push(c);
                }
                '?' if !quoted => {
                    count += 1;
                    out.push_str(&format!("${count}"));
                }
                _ => out.push(c),
            }
        }
        out
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind<'q>(mut query: Query<'q>, params: &[Param]) -> Query<'q> {
    for param in params {
        query = match param {
            Param::Int(number) => query.bind(*number),
            Param::Text(text) => query.bind(text.clone()),
            Param::Null => query.bind(None::<String>),
        };
    }
    query
}

impl From<i64> for Param {
    fn from(number: i64) -> Self {
        Param::Int(number)
    }
}

impl From<i32> for Param {
    fn from(number: i32) -> Self {
        Param::Int(number.into())
    }
}

impl From<u32> for Param {
    fn from(number: u32) -> Self {
        Param::Int(number.into())
    }
}

impl From<&str> for Param {
    fn from(text: &str) -> Self {
        Param::Text(text.to_string())
    }
}

impl From<String> for Param {
    fn from(text: String) -> Self {
        Param::Text(text)
    }
}

impl From<&String> for Param {
    fn from(text: &String) -> Self {
        Param::Text(text.clone())
    }
}

impl<T: Into<Param>> From<Option<T>> for Param {
    fn from(value: Option<T>) -> Self {
        value.map_or(Param::Null, Into::into)
    }
}
