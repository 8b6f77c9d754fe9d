import java.util.Set;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;

/**
 * An ActiveMQ Artemis broker for the AMQP 1.0 tests, configured in code so no Artemis
 * distribution (only its Maven jars) is needed.
 * Usage: java -cp 'lib/*' Broker.java STATE_DIR AMQP_PORT AMQPS_PORT KEYSTORE KEYSTORE_PASSWORD
 * Users: guest/guest (also ANONYMOUS) and alice/alice123 may do anything; bob/bob123 may
 * only consume (like the RabbitMQ users of scripts/rabbitmq).
 */
public class Broker {
  public static void main(String[] args) throws Exception {
    String dir = args[0];
    ConfigurationImpl config = new ConfigurationImpl();
    config.setPersistenceEnabled(true);
    config.setJournalDirectory(dir + "/journal");
    config.setBindingsDirectory(dir + "/bindings");
    config.setLargeMessagesDirectory(dir + "/large");
    config.setPagingDirectory(dir + "/paging");
    config.setJournalType(org.apache.activemq.artemis.core.server.JournalType.NIO);
    config.setSecurityEnabled(true);
    config.setJMXManagementEnabled(false);
    String sasl = "saslMechanisms=PLAIN,ANONYMOUS";
    config.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + args[1] + "?protocols=AMQP;" + sasl);
    config.addAcceptorConfiguration("amqps", "tcp://127.0.0.1:" + args[2] + "?protocols=AMQP;" + sasl
        + ";sslEnabled=true;keyStoreType=PKCS12;keyStorePath=" + args[3] + ";keyStorePassword=" + args[4]);
    // send, consume, create/delete durable queue, create/delete non-durable queue, manage,
    // browse, create/delete address
    Role all = new Role("all", true, true, true, true, true, true, false, true, true, true);
    Role consumer = new Role("consumer", false, true, false, false, true, true, false, true, false, false);
    config.putSecurityRoles("#", Set.of(all, consumer));
    config.addAddressSetting("#", new AddressSettings()
        .setAutoCreateQueues(true).setAutoCreateAddresses(true)
        .setAutoDeleteQueues(false).setAutoDeleteAddresses(false));

    SecurityConfiguration users = new SecurityConfiguration();
    users.addUser("guest", "guest");
    users.addRole("guest", "all");
    users.addUser("alice", "alice123");
    users.addRole("alice", "all");
    users.addUser("bob", "bob123");
    users.addRole("bob", "consumer");
    users.setDefaultUser("guest"); // who ANONYMOUS is
    ActiveMQJAASSecurityManager security =
        new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users);

    EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    server.setConfiguration(config);
    server.setSecurityManager(security);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    System.out.println("Artemis is up");
  }
}
