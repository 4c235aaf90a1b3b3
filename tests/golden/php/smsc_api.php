<?php
// A stand-in for SMSC's PHP library smsc_api.php, which 002's examples include; written for the
// goldens, not copied. Only send_sms(), with the library's documented signature and request:
// a multipart/form-data POST to send.php (as cURL posts an array), the files as parts, fmt=1
// and cost=3; the answer split on commas: array(id, parts, cost, balance), or array(id, -error).
// The emulator's address comes from the SMSC_URL environment variable.

function send_sms($phones, $message, $translit = 0, $time = 0, $id = 0, $format = 0,
                  $sender = false, $query = "", $files = array())
{
    // The library's $format numbers: 1 flash ... 8 e-mail, 9 call, 10 viber, 11 soc.
    $formats = array(1 => "flash=1", "push=1", "hlr=1", "bin=1", "bin=2", "ping=1", "mms=1",
                     "mail=1", "call=1", "viber=1", "soc=1");
    $fields = array("login" => "alex", "psw" => "123", "fmt" => "1", "cost" => "3",
                    "charset" => "utf-8", "phones" => $phones, "mes" => $message,
                    "translit" => (string)$translit);
    if ($id) {
        $fields["id"] = (string)$id;
    }
    if ($format > 0) {
        list($name, $value) = explode("=", $formats[$format]);
        $fields[$name] = $value;
    }
    if ($sender !== false) {
        $fields["sender"] = $sender;
    }
    if ($time) {
        $fields["time"] = (string)$time;
    }
    parse_str($query, $extra);
    $fields += $extra;

    $boundary = "----smsc" . md5(uniqid("", true));
    $body = "";
    foreach ($fields as $name => $value) {
        $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$name\"\r\n\r\n$value\r\n";
    }
    foreach (array_values($files) as $i => $path) {
        $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"file$i\"; filename=\""
            . basename($path) . "\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            . file_get_contents($path) . "\r\n";
    }
    $body .= "--$boundary--\r\n";
    $context = stream_context_create(array("http" => array(
        "method" => "POST",
        "header" => "Content-Type: multipart/form-data; boundary=$boundary",
        "content" => $body,
    )));
    $answer = file_get_contents(getenv("SMSC_URL") . "/sys/send.php", false, $context);
    return explode(",", $answer);
}
