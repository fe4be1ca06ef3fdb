import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

public class Server {
    public static void main(String[] args) throws IOException {
        // learn check tells the server which port to use in the PORT variable.
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", Server::handle);
        // A pool of threads, so that several requests are served at the same time.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        System.out.println("Listening on http://127.0.0.1:" + port);
    }

    // Every request comes here first: the path picks the endpoint, then the
    // method picks its handler. (A context at "/" sees every path; a context at
    // "/health" would also see /health/anything, so route on the exact path.)
    static void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        switch (exchange.getRequestURI().getPath()) {
            case "/" -> {
                if (method.equals("GET")) index(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            case "/health" -> {
                if (method.equals("GET")) health(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            case "/echo" -> {
                if (method.equals("GET")) echoQuery(exchange);
                else if (method.equals("POST")) echoBody(exchange);
                else methodNotAllowed(exchange, "GET, POST");
            }
            case "/headers" -> {
                if (method.equals("GET")) headers(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            case "/greeting" -> {
                if (method.equals("GET")) greeting(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            // Unknown paths already answer 404.
            default -> sendJson(exchange, 404, Map.of("error", "not found"));
        }
    }

    // This endpoint already works: open http://127.0.0.1:8000/ after starting the server.
    static void index(HttpExchange exchange) throws IOException {
        sendText(exchange, 200, "Hello from my first server!");
    }

    static void health(HttpExchange exchange) throws IOException {
        // TODO: answer exactly {"status": "ok"} as JSON (sendJson with a Map does that).
        sendText(exchange, 501, "Not implemented yet");
    }

    static void echoQuery(HttpExchange exchange) throws IOException {
        // TODO: answer {"msg": ...} with the msg query parameter. The JDK does not
        // split the query string for you: take exchange.getRequestURI().getRawQuery()
        // (still encoded, so a %26 inside a value is not mistaken for the & between
        // parameters), split it on & and on the first =, and decode each part with
        // URLDecoder.decode(part, StandardCharsets.UTF_8) (it turns + into a space).
        sendText(exchange, 501, "Not implemented yet");
    }

    static void echoBody(HttpExchange exchange) throws IOException {
        // TODO: answer the JSON body you received, unchanged. Read it with
        // exchange.getRequestBody().readAllBytes(), make it a String (UTF-8), and
        // turn it into Maps and Lists with Json.parse.
        sendText(exchange, 501, "Not implemented yet");
    }

    static void headers(HttpExchange exchange) throws IOException {
        // TODO: answer {"userAgent": ...} with the User-Agent header (see
        // exchange.getRequestHeaders().getFirst).
        sendText(exchange, 501, "Not implemented yet");
    }

    static void greeting(HttpExchange exchange) throws IOException {
        // TODO: look at the Accept header. It lists types, each maybe with a
        // weight, like "text/plain;q=0.5, application/json": answer
        // {"greeting": "Hello, world!"} as JSON when application/json is one of
        // the types, and the text Hello, world! as text/plain otherwise.
        sendText(exchange, 501, "Not implemented yet");
    }

    static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        // TODO: a known path called with the wrong method (like DELETE /health)
        // must answer 405 with an Allow header listing the methods it does
        // support: `allowed` holds them (see exchange.getResponseHeaders().set).
        sendText(exchange, 501, "Not implemented yet");
    }

    // Ready-made helpers below: you do not need to change them.

    static void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (Json.ParseException error) {
            sendJson(exchange, 400, Map.of("error", "the body is not valid JSON: " + error.getMessage()));
        } catch (RuntimeException error) {
            error.printStackTrace();
            sendText(exchange, 500, "Internal Server Error");
        } finally {
            exchange.close();
        }
    }

    static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, "application/json", Json.write(value));
    }

    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        // The length of the body in bytes (not in characters: é takes two). For
        // no body at all the JDK wants -1: a length of 0 means "not known yet".
        exchange.sendResponseHeaders(status, bytes.length > 0 ? bytes.length : -1);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }
}
