"""TargetSMS (sms.targetsms.ru): sendsms.php of 001_2f04aa68ec44a088.txt, and the same
platform's JSON API (sendsmsjson.php) and XML gate (/xml/) of targetsms-json-xml.md."""
