# Python 2 leftover: asyncdoctor reports it as a syntax error (AD001) and goes on.
def report(orders):
    print "orders:", len(orders)
