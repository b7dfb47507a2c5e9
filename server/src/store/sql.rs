//! One way to run SQL on either store. A feature module writes its unit of work once, as a
//! closure over a [`Db`]; [`super::Store::run`] hands it a pooled SQLite connection or a
//! pooled PostgreSQL client, on a blocking thread in both cases.
//!
//! What the two have in common is most SQL the portal needs. Statements are written in the
//! SQLite spelling with numbered parameters (`?1`, `?2`), which are rewritten to `$1`, `$2`
//! for PostgreSQL; where the dialects really differ a module says so with
//! [`Db::dialect`] and writes each statement out, rather than forcing both into one string.
//!
//! Rows are read into owned [`Value`]s and decoded with [`FromValue`]/[`FromRow`], so a bad
//! value in the database is an error naming it, never a panic, on both stores.
//!
//! Transactions: [`Db::read`] is one consistent snapshot; [`Db::write`] is a transaction that
//! behaves as if it ran alone — SQLite's `BEGIN IMMEDIATE` (one writer at a time), PostgreSQL's
//! `SERIALIZABLE`, which is retried when PostgreSQL reports a conflict with a concurrent one,
//! so its closure may run more than once and must not have effects outside the database.

use anyhow::{anyhow, Context};
use std::borrow::Cow;
use std::cell::Cell;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value bound to a statement: anything both drivers can bind. Integers are `i64` (the
/// PostgreSQL schema's `bigint`), booleans `bool` (SQLite's 0/1, PostgreSQL's `boolean`).
pub trait Param: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync {}
impl<T: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync> Param for T {}

/// `params![a, b]`: the parameters of a statement, `?1` and `?2`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::store::sql::Param] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::store::sql::Param),+] as &[&dyn $crate::store::sql::Param] };
}
pub use crate::params;

/// A column's value as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// One row, its columns in the statement's order.
#[derive(Debug, Clone)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `index` decoded as `T`.
    pub fn get<T: FromValue>(&self, index: usize) -> anyhow::Result<T> {
        let value = self.0.get(index).ok_or_else(|| anyhow!("no column {index} in the row"))?;
        T::from_value(value).with_context(|| format!("column {index} of a row"))
    }

    /// Takes column `index` out (cheaper for text: no copy).
    pub fn take<T: FromValue>(&mut self, index: usize) -> anyhow::Result<T> {
        let value = self.0.get_mut(index).ok_or_else(|| anyhow!("no column {index} in the row"))?;
        let value = std::mem::replace(value, Value::Null);
        T::from_owned(value).with_context(|| format!("column {index} of a row"))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

/// Decoding one column.
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> anyhow::Result<Self>;
    fn from_owned(value: Value) -> anyhow::Result<Self> {
        Self::from_value(&value)
    }
}

impl FromValue for Value {
    fn from_value(value: &Value) -> anyhow::Result<Self> {
        Ok(value.clone())
    }
    fn from_owned(value: Value) -> anyhow::Result<Self> {
        Ok(value)
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> anyhow::Result<Self> {
        match value {
            Value::Text(s) => Ok(s.clone()),
            other => Err(anyhow!("expected text, found {other:?}")),
        }
    }
    fn from_owned(value: Value) -> anyhow::Result<Self> {
        match value {
            Value::Text(s) => Ok(s),
            other => Err(anyhow!("expected text, found {other:?}")),
        }
    }
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> anyhow::Result<Self> {
        match value {
            Value::Int(n) => Ok(*n),
            other => Err(anyhow!("expected an integer, found {other:?}")),
        }
    }
}

impl FromValue for u32 {
    fn from_value(value: &Value) -> anyhow::Result<Self> {
        let n = i64::from_value(value)?;
        u32::try_from(n).map_err(|_| anyhow!("{n} is out of range"))
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> anyhow::Result<Self> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::Int(0) => Ok(false),
            Value::Int(1) => Ok(true),
            other => Err(anyhow!("expected a boolean, found {other:?}")),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> anyhow::Result<Self> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
    fn from_owned(value: Value) -> anyhow::Result<Self> {
        match value {
            Value::Null => Ok(None),
            other => T::from_owned(other).map(Some),
        }
    }
}

/// Decoding a whole row: a tuple of columns, or a single one.
pub trait FromRow: Sized {
    fn from_row(row: Row) -> anyhow::Result<Self>;
}

impl FromRow for Row {
    fn from_row(row: Row) -> anyhow::Result<Self> {
        Ok(row)
    }
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: FromValue),+> FromRow for ($($t,)+) {
            fn from_row(mut row: Row) -> anyhow::Result<Self> {
                Ok(($(row.take::<$t>($i)?,)+))
            }
        }
    };
}
tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15);

/// A connection for one unit of work (see the module documentation).
pub struct Db<'c> {
    conn: Conn<'c>,
    /// Inside [`Db::read`] or [`Db::write`]: a nested one is a bug, refused.
    in_transaction: Cell<bool>,
}

enum Conn<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres { client: &'c deadpool_postgres::ClientWrapper, runtime: &'c tokio::runtime::Handle },
}

/// PostgreSQL's "could not serialize access" and "deadlock detected": the transaction lost
/// to a concurrent one and is run again.
const RETRIES: u32 = 20;

impl<'c> Db<'c> {
    pub(super) fn sqlite(conn: &'c rusqlite::Connection) -> Db<'c> {
        Db { conn: Conn::Sqlite(conn), in_transaction: Cell::new(false) }
    }

    pub(super) fn postgres(
        client: &'c deadpool_postgres::ClientWrapper,
        runtime: &'c tokio::runtime::Handle,
    ) -> Db<'c> {
        Db { conn: Conn::Postgres { client, runtime }, in_transaction: Cell::new(false) }
    }

    pub fn dialect(&self) -> Dialect {
        match self.conn {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn Param]) -> anyhow::Result<usize> {
        match &self.conn {
            Conn::Sqlite(conn) => Ok(conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.iter()))?),
            Conn::Postgres { client, runtime } => {
                let sql = postgres_sql(sql);
                let params = postgres_params(params);
                let changed = runtime.block_on(async {
                    let statement = client.prepare_cached(&sql).await?;
                    client.execute(&statement, &params).await
                })?;
                Ok(usize::try_from(changed).unwrap_or(usize::MAX))
            }
        }
    }

    /// Every row of a query, decoded.
    pub fn query<T: FromRow>(&self, sql: &str, params: &[&dyn Param]) -> anyhow::Result<Vec<T>> {
        self.rows(sql, params)?.into_iter().map(T::from_row).collect()
    }

    /// The first row of a query, if any.
    pub fn query_opt<T: FromRow>(&self, sql: &str, params: &[&dyn Param]) -> anyhow::Result<Option<T>> {
        self.rows(sql, params)?.into_iter().next().map(T::from_row).transpose()
    }

    /// The first row of a query, which must exist.
    pub fn query_one<T: FromRow>(&self, sql: &str, params: &[&dyn Param]) -> anyhow::Result<T> {
        self.query_opt(sql, params)?.ok_or_else(|| anyhow!("the query returned no row"))
    }

    /// Every row, each decoded by `each`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        each: impl FnMut(Row) -> anyhow::Result<T>,
    ) -> anyhow::Result<Vec<T>> {
        self.rows(sql, params)?.into_iter().map(each).collect()
    }

    fn rows(&self, sql: &str, params: &[&dyn Param]) -> anyhow::Result<Vec<Row>> {
        match &self.conn {
            Conn::Sqlite(conn) => {
                let mut statement = conn.prepare_cached(sql)?;
                let columns = statement.column_count();
                let mut rows = statement.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        values.push(sqlite_value(row.get_ref(i)?)?);
                    }
                    out.push(Row(values));
                }
                Ok(out)
            }
            Conn::Postgres { client, runtime } => {
                let sql = postgres_sql(sql);
                let params = postgres_params(params);
                let rows = runtime.block_on(async {
                    let statement = client.prepare_cached(&sql).await?;
                    client.query(&statement, &params).await
                })?;
                rows.iter().map(postgres_row).collect()
            }
        }
    }

    /// A statement to run many times (an import's rows); both drivers keep it prepared per
    /// connection.
    pub fn prepare<'d>(&'d self, sql: &'d str) -> Prepared<'d, 'c> {
        Prepared { db: self, sql }
    }

    /// Runs several statements without parameters (schema changes, session settings).
    pub fn batch(&self, sql: &str) -> anyhow::Result<()> {
        match &self.conn {
            Conn::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Conn::Postgres { client, runtime } => Ok(runtime.block_on(client.batch_execute(sql))?),
        }
    }

    /// `work` on one consistent snapshot of the database.
    pub fn read<T>(&self, work: impl FnOnce(&Db<'c>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let begin = match self.dialect() {
            Dialect::Sqlite => "BEGIN DEFERRED",
            Dialect::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        let tx = self.begin(begin)?;
        let result = work(self);
        tx.end(result.is_ok())?;
        result
    }

    /// `work` as one transaction that behaves as if it ran alone (see the module
    /// documentation: on PostgreSQL it may run again after a conflict).
    pub fn write<T>(&self, mut work: impl FnMut(&Db<'c>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let begin = match self.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tx = self.begin(begin)?;
            let result = work(self);
            let ended = tx.end(result.is_ok());
            match (result, ended) {
                (Ok(value), Ok(())) => return Ok(value),
                (Err(e), _) | (Ok(_), Err(e)) if attempt < RETRIES && is_conflict(&e) => {
                    // A short, growing, jittered pause lets the winner finish.
                    let pause = fastrand::u64(0..(1 + 2 * u64::from(attempt)));
                    std::thread::sleep(std::time::Duration::from_millis(pause));
                }
                (Err(e), _) | (Ok(_), Err(e)) => return Err(e),
            }
        }
    }

    /// A plain transaction (PostgreSQL's READ COMMITTED: each statement sees what committed
    /// before it), for work that serialises itself with [`Db::lock`].
    pub fn locked<T>(&self, lock: &str, work: impl FnOnce(&Db<'c>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let begin = match self.dialect() {
            Dialect::Sqlite => "BEGIN IMMEDIATE",
            Dialect::Postgres => "BEGIN",
        };
        let tx = self.begin(begin)?;
        let result = self.lock(lock).and_then(|()| work(self));
        tx.end(result.is_ok())?;
        result
    }

    /// Waits until no other transaction holds `name` (until this one ends). SQLite's
    /// IMMEDIATE transactions are one at a time already.
    fn lock(&self, name: &str) -> anyhow::Result<()> {
        if self.dialect() == Dialect::Postgres {
            self.query_one::<(Value,)>("SELECT pg_advisory_xact_lock(hashtext(?1))", params![name])?;
        }
        Ok(())
    }

    fn begin(&self, statement: &str) -> anyhow::Result<Transaction<'_, 'c>> {
        if self.in_transaction.replace(true) {
            return Err(anyhow!("a transaction inside a transaction"));
        }
        if let Err(e) = self.batch(statement) {
            self.in_transaction.set(false);
            return Err(e);
        }
        Ok(Transaction { db: self, open: true })
    }
}

/// See [`Db::prepare`].
pub struct Prepared<'d, 'c> {
    db: &'d Db<'c>,
    sql: &'d str,
}

impl Prepared<'_, '_> {
    pub fn execute(&self, params: &[&dyn Param]) -> anyhow::Result<usize> {
        self.db.execute(self.sql, params)
    }
}

/// An open transaction; rolled back when dropped unfinished (an error, or a panic).
struct Transaction<'d, 'c> {
    db: &'d Db<'c>,
    open: bool,
}

impl Transaction<'_, '_> {
    fn end(mut self, commit: bool) -> anyhow::Result<()> {
        self.open = false;
        self.db.in_transaction.set(false);
        if commit {
            if let Err(e) = self.db.batch("COMMIT") {
                let _ = self.db.batch("ROLLBACK");
                return Err(e);
            }
            Ok(())
        } else {
            self.db.batch("ROLLBACK")
        }
    }
}

impl Drop for Transaction<'_, '_> {
    fn drop(&mut self) {
        if self.open {
            self.db.in_transaction.set(false);
            let _ = self.db.batch("ROLLBACK");
        }
    }
}

/// Whether `e` is a unique constraint refusing a row (a second pending action, a second
/// request in flight): the caller answers "already pending".
pub fn is_unique_violation(e: &anyhow::Error) -> bool {
    if let Some(rusqlite::Error::SqliteFailure(f, _)) = e.downcast_ref::<rusqlite::Error>() {
        return f.code == rusqlite::ErrorCode::ConstraintViolation;
    }
    if let Some(pg) = e.downcast_ref::<tokio_postgres::Error>() {
        return pg.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION);
    }
    false
}

/// PostgreSQL aborted the transaction because of a concurrent one; running it again works.
fn is_conflict(e: &anyhow::Error) -> bool {
    use tokio_postgres::error::SqlState;
    e.chain().filter_map(|c| c.downcast_ref::<tokio_postgres::Error>()).any(|pg| {
        matches!(pg.code(), Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED)
    })
}

/// `?1` → `$1`, outside quoted text.
pub fn postgres_sql(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn postgres_params<'p>(params: &'p [&'p dyn Param]) -> Vec<&'p (dyn tokio_postgres::types::ToSql + Sync)> {
    params.iter().map(|p| *p as &(dyn tokio_postgres::types::ToSql + Sync)).collect()
}

fn sqlite_value(value: rusqlite::types::ValueRef<'_>) -> anyhow::Result<Value> {
    use rusqlite::types::ValueRef;
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(std::str::from_utf8(t).context("text that is not UTF-8")?.to_string()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    })
}

fn postgres_row(row: &tokio_postgres::Row) -> anyhow::Result<Row> {
    use tokio_postgres::types::Type;
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::NAME || *ty == Type::BPCHAR {
            row.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?.map(|n| Value::Int(n.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?.map(|n| Value::Int(n.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?.map(Value::Bool)
        } else if *ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(i)?.map(Value::Real)
        } else if *ty == Type::FLOAT4 {
            row.try_get::<_, Option<f32>>(i)?.map(|f| Value::Real(f.into()))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes)
        } else if *ty == Type::VOID {
            None
        } else {
            anyhow::bail!("column `{}` has the type {ty}, which the store does not read", column.name());
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_dollars_outside_quotes() {
        assert_eq!(
            postgres_sql("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
        assert_eq!(postgres_sql("SELECT '?1' WHERE x = ?2"), "SELECT '?1' WHERE x = $2");
        assert!(matches!(postgres_sql("SELECT 1"), Cow::Borrowed(_)));
    }

    #[test]
    fn values_decode_or_say_why_not() {
        assert!(bool::from_value(&Value::Int(1)).expect("bool"));
        assert!(!bool::from_value(&Value::Bool(false)).expect("bool"));
        assert!(bool::from_value(&Value::Int(7)).is_err());
        assert_eq!(Option::<String>::from_value(&Value::Null).expect("null"), None);
        assert!(u32::from_value(&Value::Int(-1)).is_err());
        assert!(String::from_value(&Value::Int(3)).is_err());
    }
}
