"""SMS-Pager (transport.sms-pager.com:7214): the XML API of 000_5f3f23c2969425b3.txt."""
