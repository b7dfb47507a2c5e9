//! Both stores' schemas as one comparable description: tables, their columns in order (a
//! type class, nullability, whether there is a default, the primary key), foreign keys and
//! indexes. SQLite's `COLLATE NOCASE` uniqueness and PostgreSQL's unique index on
//! `lower(column)` describe the same thing and read the same here.

use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// `text` or `integer` (SQLite's INTEGER; PostgreSQL's bigint or boolean).
    pub class: String,
    pub not_null: bool,
    pub has_default: bool,
    /// Position in the primary key (1-based), 0 when not in it.
    pub pk: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub table: String,
    pub references: Vec<String>,
    pub on_delete: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub unique: bool,
    /// `column`, `column DESC` or `lower(column)`.
    pub keys: Vec<String>,
    pub partial: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: BTreeMap<String, Index>,
}

pub type Schema = BTreeMap<String, Table>;

/// The name both sides give a case-insensitive uniqueness.
fn nocase_name(table: &str, column: &str) -> String {
    format!("(unique ignoring case) {table}.{column}")
}

/// Every difference between two schemas, one line each (empty: the same).
pub fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in sqlite.keys().chain(postgres.keys()).collect::<std::collections::BTreeSet<_>>() {
        match (sqlite.get(name), postgres.get(name)) {
            (Some(_), None) => out.push(format!("table {name}: in SQLite, missing in PostgreSQL")),
            (None, Some(_)) => out.push(format!("table {name}: in PostgreSQL, missing in SQLite")),
            (Some(a), Some(b)) => {
                if a.columns != b.columns {
                    out.push(format!(
                        "table {name}: columns differ\n    SQLite:     {}\n    PostgreSQL: {}",
                        columns(&a.columns),
                        columns(&b.columns)
                    ));
                }
                if a.foreign_keys != b.foreign_keys {
                    out.push(format!(
                        "table {name}: foreign keys differ\n    SQLite:     {:?}\n    PostgreSQL: {:?}",
                        a.foreign_keys, b.foreign_keys
                    ));
                }
                for index in a.indexes.keys().chain(b.indexes.keys()).collect::<std::collections::BTreeSet<_>>() {
                    match (a.indexes.get(index), b.indexes.get(index)) {
                        (Some(x), Some(y)) if x == y => {}
                        (x, y) => out.push(format!(
                            "table {name}: index {index} differs\n    SQLite:     {x:?}\n    PostgreSQL: {y:?}"
                        )),
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn columns(columns: &[Column]) -> String {
    columns.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.class)?;
        if self.not_null {
            write!(f, " not null")?;
        }
        if self.has_default {
            write!(f, " default")?;
        }
        if self.pk > 0 {
            write!(f, " pk{}", self.pk)?;
        }
        Ok(())
    }
}

/// The schema of the SQLite file at `path`.
pub fn of_sqlite(path: &std::path::Path) -> Schema {
    let conn = rusqlite::Connection::open(path).expect("open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    let mut schema = Schema::new();
    for name in tables {
        let mut table = Table::default();
        let mut nocase = Vec::new();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{name}') ORDER BY cid"
            ))
            .expect("columns");
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)? as usize,
                ))
            })
            .expect("columns");
        for row in rows {
            let (column, ty, not_null, default, pk) = row.expect("column");
            // SQLite lets a primary key column hold NULL unless told; the portal never stores one.
            table.columns.push(Column {
                name: column,
                class: ty.to_lowercase(),
                not_null: not_null || pk > 0,
                has_default: default.is_some(),
                pk,
            });
        }
        let fks: Vec<(i64, String, String, String, String)> = conn
            .prepare(&format!(
                r#"SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list('{name}') ORDER BY id, seq"#
            ))
            .expect("fks")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("fks")
            .collect::<Result<_, _>>()
            .expect("fks");
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, target, from, to, on_delete) in fks {
            let fk = by_id.entry(id).or_insert_with(|| ForeignKey {
                columns: vec![],
                table: target,
                references: vec![],
                on_delete: on_delete.to_uppercase(),
            });
            fk.columns.push(from);
            fk.references.push(to);
        }
        table.foreign_keys = by_id.into_values().collect();
        table.foreign_keys.sort();
        let indexes: Vec<(String, bool, String, bool)> = conn
            .prepare(&format!(r#"SELECT name, "unique", origin, partial FROM pragma_index_list('{name}')"#))
            .expect("indexes")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("indexes")
            .collect::<Result<_, _>>()
            .expect("indexes");
        for (index, unique, origin, partial) in indexes {
            let keys: Vec<(String, bool, String)> = conn
                .prepare(&format!(
                    r#"SELECT name, "desc", coll FROM pragma_index_xinfo('{index}') WHERE key = 1 ORDER BY seqno"#
                ))
                .expect("keys")
                .query_map([], |r| Ok((r.get::<_, Option<String>>(0)?.unwrap_or_default(), r.get(1)?, r.get(2)?)))
                .expect("keys")
                .collect::<Result<_, _>>()
                .expect("keys");
            if unique && keys.len() == 1 && keys[0].2.eq_ignore_ascii_case("NOCASE") {
                nocase.push(keys[0].0.clone());
            }
            // The primary key is in the columns; a NOCASE uniqueness is described below.
            if origin == "pk" || (unique && keys.iter().any(|k| k.2.eq_ignore_ascii_case("NOCASE"))) {
                continue;
            }
            let keys: Vec<String> =
                keys.into_iter().map(|(k, desc, _)| if desc { format!("{k} DESC") } else { k }).collect();
            // A column's UNIQUE constraint: SQLite names it sqlite_autoindex_…, PostgreSQL
            // `{table}_{columns}_key`.
            let index = if origin == "u" { format!("{name}_{}_key", keys.join("_")) } else { index };
            table.indexes.insert(index, Index { unique, keys, partial });
        }
        for column in nocase {
            table.indexes.insert(
                nocase_name(&name, &column),
                Index { unique: true, keys: vec![format!("lower({column})")], partial: false },
            );
        }
        schema.insert(name, table);
    }
    schema
}

/// The schema of the PostgreSQL database `client` is connected to (its `public` schema),
/// and the columns that break the PostgreSQL store's own rules: integers that are not
/// `bigint`, text that does not sort as `"C"`.
pub async fn of_postgres(client: &tokio_postgres::Client) -> (Schema, Vec<String>) {
    let mut schema = Schema::new();
    let mut broken = Vec::new();
    let tables = client
        .query(
            "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'portal_schema' ORDER BY c.relname",
            &[],
        )
        .await
        .expect("tables");
    for t in tables {
        let (oid, name): (u32, String) = (t.get(0), t.get(1));
        let mut table = Table::default();
        let pk: Vec<i16> = client
            .query_opt("SELECT conkey FROM pg_constraint WHERE conrelid = $1 AND contype = 'p'", &[&oid])
            .await
            .expect("pk")
            .map(|r| r.get(0))
            .unwrap_or_default();
        let columns = client
            .query(
                "SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef,
                        coalesce(co.collname, '')
                 FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation
                 WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                &[&oid],
            )
            .await
            .expect("columns");
        for c in columns {
            let (num, column, ty, not_null, has_default, collation): (i16, String, String, bool, bool, String) =
                (c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5));
            let class = match ty.as_str() {
                "text" => {
                    if collation != "C" {
                        broken.push(format!("{name}.{column} is text COLLATE \"{collation}\", not \"C\""));
                    }
                    "text"
                }
                "bigint" | "boolean" => "integer",
                other => {
                    broken.push(format!("{name}.{column} is {other}: integers are bigint, flags boolean"));
                    "integer"
                }
            };
            let pk = pk.iter().position(|k| *k == num).map_or(0, |p| p + 1);
            table.columns.push(Column { name: column, class: class.into(), not_null, has_default, pk });
        }
        let fks = client
            .query(
                "SELECT c.confrelid::regclass::text, c.confdeltype::text,
                        array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                        array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                              JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
                 FROM pg_constraint c WHERE c.conrelid = $1 AND c.contype = 'f'",
                &[&oid],
            )
            .await
            .expect("fks");
        for f in fks {
            let on_delete = match f.get::<_, String>(1).as_str() {
                "c" => "CASCADE",
                "n" => "SET NULL",
                "d" => "SET DEFAULT",
                "r" => "RESTRICT",
                _ => "NO ACTION",
            };
            table.foreign_keys.push(ForeignKey {
                columns: f.get(2),
                table: f.get(0),
                references: f.get(3),
                on_delete: on_delete.into(),
            });
        }
        table.foreign_keys.sort();
        let indexes = client
            .query(
                "SELECT ic.relname, i.indisunique, i.indpred IS NOT NULL, i.indnkeyatts::int,
                        array(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
                        array(SELECT (i.indoption[k - 1] & 1) = 1 FROM generate_series(1, i.indnkeyatts) k ORDER BY k)
                 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                 WHERE i.indrelid = $1 AND NOT i.indisprimary",
                &[&oid],
            )
            .await
            .expect("indexes");
        for i in indexes {
            let (index, unique, partial): (String, bool, bool) = (i.get(0), i.get(1), i.get(2));
            let exprs: Vec<String> = i.get(4);
            let desc: Vec<bool> = i.get(5);
            if unique && exprs.len() == 1 && exprs[0].starts_with("lower(") {
                let column = exprs[0].trim_start_matches("lower(").trim_end_matches(')').to_string();
                table.indexes.insert(
                    nocase_name(&name, &column),
                    Index { unique: true, keys: vec![format!("lower({column})")], partial },
                );
                continue;
            }
            let keys = exprs.into_iter().zip(desc).map(|(k, d)| if d { format!("{k} DESC") } else { k }).collect();
            table.indexes.insert(index, Index { unique, keys, partial });
        }
        schema.insert(name, table);
    }
    (schema, broken)
}
