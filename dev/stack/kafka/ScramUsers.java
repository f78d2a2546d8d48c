// Creates or updates the local secured listener's SCRAM-SHA-512 users (dev/stack/kafka-security.ts), one password
// file per user in <passwords dir>, through the plaintext listener. Run as a single-file source program on the
// broker's own jars: one JVM for every user, where the kafka-configs tool takes one JVM per user.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

public class ScramUsers {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) throw new IllegalArgumentException("usage: ScramUsers <bootstrap> <passwords dir>");
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(args[1]))) {
      for (Path file : files.toList()) {
        String user = file.getFileName().toString();
        String password = Files.readString(file).strip();
        upserts.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
      }
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]))) {
      admin.alterUserScramCredentials(upserts).all().get();
    }
    System.out.println("upserted " + upserts.size() + " SCRAM-SHA-512 users");
  }
}
