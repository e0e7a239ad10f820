package dev.corun.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client side of the 10 000-connection test, run in a child process: one JVM cannot hold
 * both ends of 10 000 connections under this machine's 20 000 file-descriptor limit. It opens
 * every connection, sends one line on each, reads each answer, reports {@code READY n} with all
 * of them still open, closes them when its standard input says so, and reports {@code DONE}.
 * Plain blocking sockets on one platform thread: nothing here is under test.
 */
public final class ManyClients {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        Socket[] sockets = new Socket[count];
        for (int i = 0; i < count; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.UTF_8));
            sockets[i] = s;
        }
        int answered = 0;
        for (int i = 0; i < count; i++) {
            String line = readLine(sockets[i].getInputStream());
            if (("ok hello " + i).equals(line)) {
                answered++;
            } else {
                System.out.println("BAD " + i + " " + line);
            }
        }
        System.out.println("READY " + answered);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        for (Socket s : sockets) {
            s.close();
        }
        System.out.println("DONE");
        System.out.flush();
    }

    private static String readLine(InputStream in) throws Exception {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                return null;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}
