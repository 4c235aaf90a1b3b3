"""SMSC's SOAP API (003 and smsc-soap.wsdl) on the same core as its HTTP API: interface.py holds
the interface, from which wsdl.py writes the WSDL and models.py builds spyne's service; the
operations reuse the HTTP commands' steps.

A call goes the direct path (direct.py: the envelope read with lxml, the answer written as
text, the same bytes as spyne's) unless it is one the direct path does not recognise, which
spyne reads and answers (via_spyne.py). spyne (a tenth of a second to import) is loaded only
then, so a server whose clients send plain calls never loads it.
"""

# The namespaces the live WSDLs have used: smsc.ru until 2018, smsc.ru since, smsc.ua (FACTS A.2).
NAMESPACES = ("http://smsc.ru/sys/soap.php", "https://smsc.ru/sys/soap.php",
              "http://smsc.ua/sys/soap.php")
DEFAULT_NAMESPACE = NAMESPACES[0]
MAX_ENVELOPE = 2 * 1024 * 1024
