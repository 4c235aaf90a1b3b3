<?php
// Driver for Symfony's SMSC Notifier Bridge (Debian php-symfony-smsc-notifier), against the
// emulator's HTTPS listener.
//
//     php php_symfony_smsc.php HTTPS_BASE_URL CA_FILE LOGIN
//
// Calls (protocol: repl.py beside this file): send, and transport_from_dsn (C6), each with the
// `password` to use. The bridge offers send only: no status, balance or cost.
// The base URL: host and port only, through the transport's own setHost() and setPort()
// (AbstractTransport); the scheme is fixed, sprintf('https://%s/sys/send.php', ...)
// (SmscTransport.php:73), hence HTTPS. The emulator's CA goes in the HttpClient the transport
// is given, through that client's own `cafile` option.

require_once '/usr/share/php/Symfony/Component/Notifier/Bridge/Smsc/autoload.php';

use Symfony\Component\HttpClient\HttpClient;
use Symfony\Component\Notifier\Bridge\Smsc\SmscTransport;
use Symfony\Component\Notifier\Bridge\Smsc\SmscTransportFactory;
use Symfony\Component\Notifier\Message\SmsMessage;
use Symfony\Component\Notifier\Transport\Dsn;

list(, $base, $ca, $login) = $argv;
$host = parse_url($base, PHP_URL_HOST);
$port = parse_url($base, PHP_URL_PORT);
$http = HttpClient::create(array('cafile' => $ca));

$calls = array(
    'send' => function ($args) use ($http, $host, $port, $login) {
        $transport = (new SmscTransport($login, $args['password'], 'SMSC', $http))->setHost($host)->setPort($port);
        $sent = $transport->send(new SmsMessage($args['phone'], $args['text']));
        return array('message_id' => $sent->getMessageId(), 'transport' => $sent->getTransport());
    },
    // The DSN a Symfony application configures, smsc://LOGIN:PASSWORD@HOST:PORT?from=SENDER:
    // the transport the factory makes from it, as the transport itself names its endpoint.
    'transport_from_dsn' => function ($args) use ($http, $host, $port, $login) {
        $dsn = new Dsn(sprintf('smsc://%s:%s@%s:%d?from=SMSC', $login, $args['password'], $host, $port));
        return (string) (new SmscTransportFactory(null, $http))->create($dsn);
    },
);

function emit($line) {
    echo json_encode($line, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
}

$package = shell_exec("dpkg-query -W -f '\${Version}' php-symfony-smsc-notifier 2>/dev/null");
emit(array('ready' => array('version' => $package ?: null, 'php' => PHP_VERSION,
                            'http_client' => get_class($http))));
while (($line = fgets(STDIN)) !== false) {
    $args = json_decode($line, true);
    try {
        emit(array('value' => $calls[$args['call']]($args)));
    } catch (Throwable $e) {
        emit(array('raised' => array('type' => get_class($e), 'message' => $e->getMessage())));
    }
}
