<?php
// PHP's own unserialize() of the bytes on stdin (a TargetSMS detail=1 answer), told as JSON.
$value = unserialize(stream_get_contents(STDIN));
echo json_encode(array(
    'ok' => $value !== false,
    'keys' => is_array($value) ? array_keys($value) : null,
    'value' => $value,
    'price_is_float' => is_array($value) && isset($value['price']) && is_float($value['price']),
));
