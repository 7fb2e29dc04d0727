package sqlstore

// Row is one row to read: a *sql.Row or *sql.Rows of database/sql, a
// pgx.Row or pgx.CollectableRow.
type Row interface {
	Scan(dest ...any) error
}

// Scanner reads the rows of the column lists below (UserColumns,
// KeyColumns, ...) into store values. The column lists are the same in
// both schemas; what differs is how the driver reads a time, which Times
// says. Each method's error is the driver's (sql.ErrNoRows, pgx.ErrNoRows)
// or a JSON column that does not decode, for the caller to wrap.
type Scanner struct {
	Times Times
}
