// The database, ready to use: you do not need to change this file.
//
// DATABASE_URL says which database: a PostgreSQL URL (postgres://... or
// postgresql://...) or else the path of a SQLite file (created if it does not
// exist). db is open before main starts. It has the methods of database/sql's
// *sql.DB that you need, and on both databases you write a ? for each value
// and pass the values apart, never pasted into the SQL text:
//
//	err := db.QueryRow("SELECT title FROM posts WHERE id = ?", id).Scan(&title)
//	// one row; err is sql.ErrNoRows when there is none
//
//	rows, err := db.Query("SELECT id, title FROM posts WHERE category = ?", category)
//	// many rows: defer rows.Close(), then for rows.Next() { rows.Scan(&id, &title) },
//	// then rows.Err()
//
//	result, err := db.Exec("DELETE FROM posts WHERE id = ?", id)
//	// result.RowsAffected(): how many rows the statement changed
//
// db keeps a pool of connections that goroutines share safely: each statement
// runs on a connection of its own and is committed at once, so requests served
// at the same time never get in each other's way.
//
// The SQLite driver is C code: the first build compiles it (a minute or so,
// with a C compiler such as gcc); later builds reuse it.
package main

import (
	"database/sql"
	"errors"
	"log"
	"os"
	"strconv"
	"strings"

	"github.com/lib/pq"             // the "postgres" driver
	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver
)

// Database is the database that DATABASE_URL names.
type Database struct {
	pool     *sql.DB
	postgres bool
	// AutoID is the type of an id column that the database numbers by itself,
	// never reusing a number: "CREATE TABLE things (id " + db.AutoID + ", ...)".
	AutoID string
}

var db = openDatabase(os.Getenv("DATABASE_URL"))

func openDatabase(url string) *Database {
	if url == "" {
		url = "blog.sqlite3"
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		pool, err := sql.Open("postgres", url)
		if err != nil {
			log.Fatalf("cannot open the database %s: %v", url, err)
		}
		// Without sslmode in the URL, lib/pq insists on SSL; PostgreSQL's own
		// tools try SSL and go on without it when the server has none (as a
		// local or throwaway server often does): do the same.
		if !strings.Contains(url, "sslmode=") && errors.Is(pool.Ping(), pq.ErrSSLNotSupported) {
			pool.Close()
			separator := "?"
			if strings.Contains(url, "?") {
				separator = "&"
			}
			return openDatabase(url + separator + "sslmode=disable")
		}
		return &Database{pool: pool, postgres: true, AutoID: "SERIAL PRIMARY KEY"}
	}
	// A writer waits up to 10 s for another to finish, rather than failing at
	// once with "database is locked".
	pool, err := sql.Open("sqlite3", url+"?_busy_timeout=10000&_foreign_keys=on")
	if err != nil {
		log.Fatalf("cannot open the database %s: %v", url, err)
	}
	return &Database{pool: pool, AutoID: "INTEGER PRIMARY KEY AUTOINCREMENT"}
}

// QueryRow runs a statement that answers at most one row (a SELECT, or an
// INSERT, UPDATE or DELETE ... RETURNING). Its Scan gives sql.ErrNoRows when
// there is no row.
func (d *Database) QueryRow(query string, args ...any) *sql.Row {
	return d.pool.QueryRow(d.placeholders(query), args...)
}

// Query runs a statement that answers rows. Close them when done.
func (d *Database) Query(query string, args ...any) (*sql.Rows, error) {
	return d.pool.Query(d.placeholders(query), args...)
}

// Exec runs a statement that answers no rows; the result says how many rows
// it changed (RowsAffected).
func (d *Database) Exec(query string, args ...any) (sql.Result, error) {
	return d.pool.Exec(d.placeholders(query), args...)
}

// placeholders turns each ? into what the database wants: ? stays ? on SQLite,
// and becomes $1, $2, ... on PostgreSQL. A ? inside '...' is text, left alone.
func (d *Database) placeholders(query string) string {
	if !d.postgres {
		return query
	}
	var out strings.Builder
	count, quoted := 0, false
	for _, c := range query {
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			count++
			out.WriteString("$" + strconv.Itoa(count))
			continue
		}
		out.WriteRune(c)
	}
	return out.String()
}
