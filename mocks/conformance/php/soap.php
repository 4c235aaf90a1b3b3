<?php
// PHP's SoapClient, called as 003's examples call it. argv: wsdl, login, password,
// "cost" (the free calls only) or "send", and the phone. Prints what it read as JSON.
list(, $wsdl, $login, $psw, $what, $phone) = $argv;
$client = new SoapClient($wsdl, array('cache_wsdl' => WSDL_CACHE_NONE, 'exceptions' => true));
$auth = array('login' => $login, 'psw' => $psw);
$out = array();
$out['balance'] = (array) $client->get_balance($auth)->balanceresult;
$cost = $client->get_sms_cost($auth + array('phones' => $phone, 'mes' => 'Hello from PHP'));
$out['cost'] = (array) $cost->costresult;
if ($what === 'send') {
    $sent = $client->send_sms($auth + array('phones' => $phone, 'mes' => 'Hello from PHP',
                                            'id' => '', 'sender' => '', 'time' => '0'));
    $out['send'] = (array) $sent->sendresult;
    $status = $client->get_status($auth + array('phone' => $phone,
                                                'id' => $out['send']['id'], 'all' => '1'));
    $out['status'] = (array) $status->statusresult;
}
$wrong = $client->get_balance(array('login' => $login, 'psw' => $psw . 'x'));
$out['wrong'] = (array) $wrong->balanceresult;
echo json_encode($out, JSON_UNESCAPED_UNICODE);
