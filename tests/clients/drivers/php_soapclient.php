<?php
// Driver for PHP's own SoapClient (Debian php-soap) on the SMSC SOAP API, called as 003's
// examples call it.
//
//     php php_soapclient.php BASE_URL LOGIN
//
// Calls (protocol: repl.py beside this file): send, status, balance, cost, each with the
// `password` to use. The values passed on are the result objects SoapClient returned.
// The base URL: the WSDL's own URL, BASE_URL/sys/soap.php?wsdl; the served WSDL names the
// address it was fetched from as the service's location.

list(, $base, $login) = $argv;
$client = new SoapClient(rtrim($base, '/') . '/sys/soap.php?wsdl',
                         array('exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE));

function auth($args) {
    global $login;
    return array('login' => $login, 'psw' => $args['password']);
}

$calls = array(
    'send' => function ($args) use ($client) {
        return $client->send_sms(auth($args) + array('phones' => $args['phone'], 'mes' => $args['text'],
                                                     'id' => '', 'sender' => 'SMSC', 'time' => '0'))->sendresult;
    },
    'status' => function ($args) use ($client) {
        return $client->get_status(auth($args) + array('phone' => $args['phone'], 'id' => $args['id']))->statusresult;
    },
    'balance' => function ($args) use ($client) {
        return $client->get_balance(auth($args))->balanceresult;
    },
    'cost' => function ($args) use ($client) {
        return $client->get_sms_cost(auth($args) + array('phones' => $args['phone'], 'mes' => $args['text']))->costresult;
    },
);

function emit($line) {
    echo json_encode($line, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
}

emit(array('ready' => array('version' => phpversion('soap'), 'php' => PHP_VERSION)));
while (($line = fgets(STDIN)) !== false) {
    $args = json_decode($line, true);
    try {
        emit(array('value' => $calls[$args['call']]($args)));
    } catch (Throwable $e) {
        emit(array('raised' => array('type' => get_class($e), 'message' => $e->getMessage())));
    }
}
