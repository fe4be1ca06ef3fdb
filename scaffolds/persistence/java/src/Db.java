import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The database, ready to use: you do not need to change this file.
 *
 * <p>DATABASE_URL says which database: a PostgreSQL URL (postgres://... or
 * postgresql://...) or else the path of a SQLite file (created if it does not exist).
 * Write every query once, with ? for each value, and pass the values apart:
 *
 * <pre>
 * Db.query("SELECT * FROM posts WHERE id = ?", postId);  // a List of rows (Maps)
 * Db.one("SELECT * FROM posts WHERE id = ?", postId);    // one row, or null
 * Db.execute("DELETE FROM posts WHERE id = ?", postId);  // how many rows changed
 * </pre>
 *
 * <p>A row is a {@code Map<String, Object>} from column name to value: a String for
 * TEXT, an Integer or a Long for a whole number, null for NULL. Each call opens its
 * own connection, runs the statement, commits and closes, so requests served at the
 * same time never share a connection. A statement the database refuses throws
 * {@link Db.Failure} (a RuntimeException, so your handlers need no {@code throws}).
 *
 * <p>The drivers are not part of the JDK: the run command in learn.toml puts them on
 * the classpath (see lib/README.md).
 */
public final class Db {
    public static final String URL = System.getenv().getOrDefault("DATABASE_URL", "blog.sqlite3");
    public static final boolean POSTGRES = URL.startsWith("postgres://") || URL.startsWith("postgresql://");

    /**
     * The type of an id column that the database numbers by itself, never reusing a
     * number: {@code "CREATE TABLE things (id " + Db.AUTO_ID + ", ...)"}.
     */
    public static final String AUTO_ID = POSTGRES ? "SERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";

    /** The database refused a statement; the message says why. */
    public static final class Failure extends RuntimeException {
        Failure(String sql, SQLException cause) {
            super(cause.getMessage() + "\n  in: " + sql.strip(), cause);
        }
    }

    private Db() {}

    /** A new connection to the database (close it when done). */
    public static Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (POSTGRES) {
            return DriverManager.getConnection(postgresJdbcUrl(properties), properties);
        }
        // Wait up to 10 s for another connection's write to finish instead of failing.
        properties.setProperty("busy_timeout", "10000");
        properties.setProperty("foreign_keys", "true");
        return DriverManager.getConnection("jdbc:sqlite:" + URL, properties);
    }

    /**
     * postgresql://user:password@host:port/name?options as JDBC wants it:
     * jdbc:postgresql://host:port/name?options, the user and password apart.
     */
    static String postgresJdbcUrl(Properties properties) {
        URI uri;
        try {
            uri = new URI(URL);
        } catch (URISyntaxException error) {
            throw new IllegalArgumentException("DATABASE_URL is not a valid URL: " + error.getMessage());
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            properties.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                properties.setProperty("password", decode(userInfo.substring(colon + 1)));
            }
        }
        String hostAndPort = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^.*@", "");
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hostAndPort);
        jdbc.append(uri.getRawPath() == null ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        return jdbc.toString();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** What one statement did: the rows it returned, and how many rows it changed. */
    public record Result(List<Map<String, Object>> rows, int changed) {}

    /** Run one statement and commit. */
    public static Result run(String sql, Object... params) {
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            int changed;
            if (statement.execute()) {
                try (ResultSet result = statement.getResultSet()) {
                    ResultSetMetaData columns = result.getMetaData();
                    while (result.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= columns.getColumnCount(); c++) {
                            row.put(columns.getColumnLabel(c), result.getObject(c));
                        }
                        rows.add(row);
                    }
                }
                changed = rows.size();
            } else {
                changed = Math.max(statement.getUpdateCount(), 0);
            }
            // A new connection commits each statement as it finishes (JDBC's
            // auto-commit), so the change is saved before the connection closes.
            return new Result(rows, changed);
        } catch (SQLException error) {
            throw new Failure(sql, error);
        }
    }

    /** The rows a statement returns, each a Map from column name to value. */
    public static List<Map<String, Object>> query(String sql, Object... params) {
        return run(sql, params).rows();
    }

    /** The first row a statement returns, or null when there is none. */
    public static Map<String, Object> one(String sql, Object... params) {
        List<Map<String, Object>> rows = query(sql, params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Run a statement that returns no rows; how many rows it changed. */
    public static int execute(String sql, Object... params) {
        return run(sql, params).changed();
    }
}
