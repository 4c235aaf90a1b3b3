"""TargetSMS (sms.targetsms.ru): sendsms.php of 001_2f04aa68ec44a088.txt."""
