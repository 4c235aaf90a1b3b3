<?php
// PHP's own SoapClient against the emulator, called as 003 shows. Prints what it read as JSON.
ini_set("soap.wsdl_cache_enabled", "0");
$client = new SoapClient($argv[1], array("exceptions" => true, "cache_wsdl" => WSDL_CACHE_NONE));
$out = array();

$ret = $client->send_sms(array('login'=>'alex', 'psw'=>'123', 'phones'=>'79999999999', 'mes'=>'Hello world!', 'id'=>'', 'sender'=>'ivan', 'time'=>0));
$out['send_sms'] = array('id'=>$ret->sendresult->id, 'balance'=>$ret->sendresult->balance,
    'cost'=>$ret->sendresult->cost, 'cnt'=>$ret->sendresult->cnt,
    'error'=>isset($ret->sendresult->error) ? $ret->sendresult->error : null);

$ret = $client->send_sms2(array('login'=>'alex', 'psw'=>'123', 'phones'=>'79999999998,12', 'mes'=>'Привет', 'id'=>'', 'sender'=>'ivan', 'time'=>0, 'query'=>'err=1&maxsms=3'));
$errors = array();
$list = isset($ret->sendresult->errors) ? $ret->sendresult->errors : array();
foreach (is_array($list) ? $list : array($list) as $e) {  // one <errors> is an object, not a list
    $errors[] = array($e->phone, $e->status);
}
$out['send_sms2'] = array('id'=>$ret->sendresult->id, 'cnt'=>$ret->sendresult->cnt, 'errors'=>$errors);

$ret = $client->get_sms_cost(array('login'=>'alex', 'psw'=>'123', 'phones'=>'79999999999', 'mes'=>'Hello world!'));
$out['get_sms_cost'] = array('cost'=>$ret->costresult->cost, 'cnt'=>$ret->costresult->cnt);

$ret = $client->get_sms_cost2(array('login'=>'alex', 'psw'=>'123', 'phones'=>'79999999999', 'mes'=>str_repeat('x', 400), 'query'=>'maxsms=2'));
$out['get_sms_cost2'] = array('cost'=>$ret->costresult->cost, 'cnt'=>$ret->costresult->cnt);

$ret = $client->get_status(array('login'=>'alex', 'psw'=>'123', 'phone'=>'79999999999', 'id'=>'1', 'all'=>'1'));
$r = $ret->statusresult;
$out['get_status'] = array('status'=>$r->status, 'last_date'=>$r->last_date, 'err'=>$r->err,
    'send_date'=>$r->send_date, 'phone'=>$r->phone, 'cost'=>$r->cost, 'sender_id'=>$r->sender_id,
    'status_name'=>$r->status_name, 'message'=>$r->message);

$ret = $client->get_status2(array('login'=>'alex', 'psw'=>'123', 'phone'=>'79999999999', 'id'=>'1', 'all'=>'', 'query'=>'all=2'));
$out['get_status2'] = array('status'=>$ret->statusresult->status, 'operator'=>$ret->statusresult->operator);

$ret = $client->get_balance(array('login'=>'alex', 'psw'=>'123'));
$out['get_balance'] = array('balance'=>$ret->balanceresult->balance, 'error'=>$ret->balanceresult->error);

$ret = $client->send_sms(array('login'=>'alex', 'psw'=>'wrong', 'phones'=>'79999999999', 'mes'=>'x', 'id'=>'', 'sender'=>'ivan', 'time'=>0));
// 003's own check: if ($ret->sendresult->error) echo "Ошибка №".$ret->sendresult->error;
$out['wrong_password'] = $ret->sendresult->error ? "Ошибка №" . $ret->sendresult->error : "sent";

echo json_encode($out, JSON_UNESCAPED_UNICODE);
